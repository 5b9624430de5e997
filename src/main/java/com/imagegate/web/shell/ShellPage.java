package com.imagegate.web.shell;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a controller of another module whose pages live in web's shell, as web's own controllers do. Its views may
 * render in the shared layout, {@code th:replace="~{layout :: page(~{::title}, ~{::section})}"}
 * ({@code templates/layout.html}), for which the shell adds {@code currentMember} (the signed-in member, or null) and
 * {@code signedInAs} (the principal's name) to the model; its handler methods may take the signed-in
 * {@link com.imagegate.account.Member} as a parameter. Its requests pass web's browser security chain, where the
 * module's own {@link ShellAccess} rules apply.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ShellPage {}
