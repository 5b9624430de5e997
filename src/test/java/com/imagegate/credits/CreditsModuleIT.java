package com.imagegate.credits;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.Ids;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.modulith.test.ApplicationModuleTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.util.ClassUtils;

/**
 * The credits module bootstrapped alone (Spring Modulith's standalone mode: only com.imagegate.credits is scanned),
 * on the embedded H2 default database: it depends on no other module, and this keeps it so at run time, not only in
 * {@code ModularityTests}' static analysis.
 */
@ApplicationModuleTest
@TestPropertySource(properties = "jobrunr.background-job-server.enabled=false")
class CreditsModuleIT {

    static final Path DATA_DIR = createTempDir();

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("imagegate.data-dir", DATA_DIR::toString);
    }

    @Autowired
    ApplicationContext context;

    @Autowired
    Credits credits;

    @Test
    void onlyTheCreditsModulesBeansAreThere() {
        var imagegateBeans = Arrays.stream(context.getBeanDefinitionNames())
                .map(context::getType)
                .filter(Objects::nonNull)
                .map(ClassUtils::getUserClass)
                .map(Class::getName)
                .filter(name -> name.startsWith("com.imagegate."))
                // configuration properties records of every module are bound by the application's
                // @ConfigurationPropertiesScan; they are values, not collaborators
                .filter(name -> !name.endsWith("Properties"))
                .toList();

        assertThat(imagegateBeans)
                .isNotEmpty()
                .allSatisfy(
                        name -> assertThat(name).matches("com\\.imagegate\\.(credits\\..+|ImagegateApplication.*)"));
    }

    @Test
    void aGrantReserveAndCaptureMoveTheBalance() {
        String workspace = Ids.next("ws");
        credits.grant(new Grant(workspace, 100, LotSource.PACK, null, "pack:" + workspace, "system", null));
        String reference = "task_" + workspace;

        credits.reserve(new Reserve(workspace, 30, reference, null, "usr_1"));
        assertThat(credits.balance(workspace).spendable()).isEqualTo(70);
        assertThat(credits.balance(workspace).reserved()).isEqualTo(30);

        Settlement settlement = credits.capture(new Capture(reference, 20));

        assertThat(settlement.captured()).isEqualTo(20);
        assertThat(settlement.released()).isEqualTo(10);
        Balance balance = credits.balance(workspace);
        assertThat(balance.spendable()).isEqualTo(80);
        assertThat(balance.reserved()).isZero();
        assertThat(credits.integrityReport().consistent()).isTrue();
    }

    private static Path createTempDir() {
        try {
            return Files.createTempDirectory("imagegate-credits-module");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
