/**
 * A tiny application laid out like generation (a parent module with an {@code spi} named interface and a nested
 * adapter module) that breaks the walls on purpose, so {@code ModularityTests} can show Spring Modulith catches each
 * break. Only test classes live here: the application's own {@code ApplicationModules} never import it (they skip
 * test classes), and nothing here is a Spring bean.
 */
package com.imagegate.modularityfixture;
