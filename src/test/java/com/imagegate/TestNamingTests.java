package com.imagegate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.platform.commons.annotation.Testable;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * A test class runs in the build only when its name says so: Surefire includes {@code **}{@code /*Tests.java},
 * Failsafe {@code **}{@code /*IT.java} (pom.xml). A class with JUnit test methods under any other name (e.g. {@code
 * HtmxFragmentsTest}, which never ran) compiles, passes in an IDE and is silently skipped by {@code mvn verify}; so is
 * a member class with test methods that is not {@code @Nested}. This scans the compiled test classes for both.
 */
class TestNamingTests {

    @Test
    void everyCompiledClassWithTestMethodsIsRunByTheBuild() {
        List<String> problems = compiledTestClasses()
                // Local and anonymous classes (such as this class's own examples below) are never run by JUnit.
                .filter(type -> !type.isLocalClass() && !type.isAnonymousClass())
                .map(TestNamingTests::problem)
                .flatMap(Optional::stream)
                .toList();

        assertThat(problems).as("test classes the build would skip").isEmpty();
    }

    @Test
    void theScanSeesTheTestClasses() {
        assertThat(compiledTestClasses()).contains(TestNamingTests.class, ModularityTests.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"HtmxFragmentsTests", "WebhooksIT", "TestNamingTests"})
    void namesEndingInTestsOrItAreRun(String name) {
        assertThat(runByTheBuild(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"HtmxFragmentsTest", "WebhooksTest", "LedgerIt", "TestsForLedger", "ITLedger"})
    void otherNamesAreNot(String name) {
        assertThat(runByTheBuild(name)).isFalse();
    }

    @Test
    void aClassNamedLikeTheOldHtmxFragmentsTestIsReported() {
        class HtmxFragmentsTest {
            @Test
            void aTest() {}
        }

        assertThat(problem(HtmxFragmentsTest.class))
                .hasValueSatisfying(
                        p -> assertThat(p).contains("HtmxFragmentsTest").contains("*Tests or *IT"));
    }

    @Test
    void parameterizedAndNestedTestsCountAsTestMethods() {
        class Parameterized {
            @ParameterizedTest
            @ValueSource(ints = 1)
            void aTest(int ignored) {}
        }
        class Outer {
            @Nested
            class Inner {
                @Test
                void aTest() {}
            }
        }

        assertThat(problem(Parameterized.class)).isPresent();
        assertThat(problem(Outer.class)).isPresent();
    }

    @Test
    void aWellNamedClassWithoutTestMethodsOrAnAnnotationIsFine() {
        class CreditsIntegrationTest {}

        assertThat(problem(CreditsIntegrationTest.class)).isEmpty();
        assertThat(problem(TestNamingTests.class)).isEmpty();
    }

    /** What is wrong with one top-level (or local) test class, if anything. */
    static Optional<String> problem(Class<?> type) {
        if (type.isMemberClass()) {
            return declaresTestMethods(type) && !AnnotationSupport.isAnnotated(type, Nested.class)
                    ? Optional.of(type.getName() + " has test methods but is a member class without @Nested:"
                            + " nothing runs it")
                    : Optional.empty();
        }
        if (type.isInterface() || type.isAnnotation() || Modifier.isAbstract(type.getModifiers())) {
            // Run through the classes that implement or extend it, which are checked themselves.
            return Optional.empty();
        }
        if (declaresTests(type) && !runByTheBuild(type.getSimpleName())) {
            return Optional.of(type.getName() + " has test methods but its name ends in neither *Tests or *IT:"
                    + " Surefire and Failsafe skip it");
        }
        return Optional.empty();
    }

    static boolean runByTheBuild(String simpleName) {
        return simpleName.endsWith("Tests") || simpleName.endsWith("IT");
    }

    /** Test methods of its own, inherited, or in its {@code @Nested} classes. */
    static boolean declaresTests(Class<?> type) {
        return declaresTestMethods(type)
                || Arrays.stream(type.getDeclaredClasses())
                        .filter(member -> AnnotationSupport.isAnnotated(member, Nested.class))
                        .anyMatch(TestNamingTests::declaresTests);
    }

    private static boolean declaresTestMethods(Class<?> type) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method method : c.getDeclaredMethods()) {
                // @Test, @ParameterizedTest, @RepeatedTest, @TestFactory and @TestTemplate are all @Testable.
                if (AnnotationSupport.isAnnotated(method, Testable.class)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Every class compiled from src/test/java (target/test-classes), loaded without initialising it. */
    static Stream<Class<?>> compiledTestClasses() {
        Path root = testClassesRoot();
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = root.relativize(file)
                        .toString()
                        .replace(file.getFileSystem().getSeparator(), ".")
                        .replaceAll("\\.class$", "");
                if (name.endsWith("package-info") || name.endsWith("module-info")) {
                    continue;
                }
                classes.add(Class.forName(name, false, TestNamingTests.class.getClassLoader()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        return classes.stream();
    }

    private static Path testClassesRoot() {
        try {
            return Path.of(TestNamingTests.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
