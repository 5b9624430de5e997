package com.imagegate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModule;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;
import org.springframework.modulith.test.TestApplicationModules;

/**
 * Keeps the module boundaries of docs/architecture.md true and the README's module diagram current. When a module's
 * dependencies change on purpose, copy {@code target/spring-modulith-docs/components.puml} to
 * {@code docs/modules.puml}.
 */
class ModularityTests {

    private static final ApplicationModules MODULES = ApplicationModules.of(ImagegateApplication.class);

    @Test
    void modulesKeepTheirBoundaries() {
        MODULES.verify();
    }

    @Test
    void everyModuleOfTheArchitectureExists() {
        assertThat(MODULES.stream()
                        .filter(module -> MODULES.getParentOf(module).isEmpty())
                        .map(ModularityTests::id))
                .containsExactlyInAnyOrder(
                        "account",
                        "apikey",
                        "credits",
                        "fetch",
                        "generation",
                        "webhook",
                        "api",
                        "billing",
                        "referral",
                        "admin",
                        "web");
    }

    @Test
    void generationHoldsItsAdaptersAsNestedModulesBehindWalls() {
        ApplicationModule generation = MODULES.getModuleByName("generation").orElseThrow();

        assertThat(MODULES.getNestedModules(generation).stream().map(ModularityTests::id))
                .containsExactlyInAnyOrder("generation.provider", "generation.storage", "generation.upstream");
        // Each nested module may see generation's API and its spi ports, never generation.internal ...
        assertThat(allowed("generation.provider")).containsExactlyInAnyOrder("generation", "generation :: spi");
        assertThat(allowed("generation.storage")).containsExactlyInAnyOrder("generation", "generation :: spi");
        assertThat(allowed("generation.upstream"))
                .containsExactlyInAnyOrder("generation", "generation :: spi", "generation.provider", "fetch");
        // ... and generation itself depends on none of them (it gets them as spi beans), or they would form a cycle.
        assertThat(generation.getDirectDependencies(MODULES).uniqueModules().map(ModularityTests::id))
                .containsExactlyInAnyOrder("credits", "fetch");
    }

    @Test
    void theAdminConsoleSaysItBuildsOnWebsShell() {
        ApplicationModule admin = MODULES.getModuleByName("admin").orElseThrow();

        assertThat(allowed("admin")).contains("web :: shell").doesNotContain("web");
        assertThat(admin.getDirectDependencies(MODULES).uniqueModules().map(ModularityTests::id))
                .contains("web");
    }

    @Test
    void theWallsAroundANestedModuleAreEnforced() {
        // modularityfixture: module shop with an spi named interface and a nested module shop.adapter that may use
        // shop and shop :: spi; the adapter also reaches into shop.internal, and the top-level module outsider uses
        // the adapter. Both are reported; the adapter's allowed uses of shop and of the spi are not.
        var violations = TestApplicationModules.of("com.imagegate.modularityfixture")
                .detectViolations()
                .getMessages();

        assertThat(violations)
                .satisfiesExactlyInAnyOrder(
                        message ->
                                assertThat(message).contains("'shop.adapter'").contains("ShopInternals"),
                        message -> assertThat(message)
                                .contains("Invalid sub-module reference")
                                .contains("'outsider'")
                                .contains("'shop.adapter'"));
    }

    @Test
    void committedModuleDiagramIsCurrent() throws IOException {
        new Documenter(MODULES).writeModulesAsPlantUml().writeIndividualModulesAsPlantUml();

        Path generated = Path.of("target/spring-modulith-docs/components.puml");
        Path committed = Path.of("docs/modules.puml");
        // Modulith writes relations of one kind in no stable order (it varies between runs once a module has two
        // "depends on" relations), so compare the lines as a set of statements, not as text.
        assertThat(Files.readAllLines(committed))
                .as("docs/modules.puml is stale: copy %s over it", generated)
                .containsExactlyInAnyOrderElementsOf(Files.readAllLines(generated));
    }

    private static String id(ApplicationModule module) {
        return module.getIdentifier().toString();
    }

    private static List<String> allowed(String module) {
        return MODULES.getModuleByName(module).orElseThrow().getAllowedDependencies(MODULES).stream()
                .map(Object::toString)
                .toList();
    }
}
