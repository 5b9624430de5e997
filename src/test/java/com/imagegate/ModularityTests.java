package com.imagegate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

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
        assertThat(MODULES.stream().map(module -> module.getIdentifier().toString()))
                .containsExactlyInAnyOrder(
                        "account", "apikey", "credits", "generation", "webhook", "api", "billing", "admin", "web");
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
}
