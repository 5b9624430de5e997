/**
 * The web shell: what a module that serves browser pages shares with {@code web}, exposed as the named interface
 * {@code web :: shell}. A page module marks its controllers {@link com.imagegate.web.shell.ShellPage} (the layout's
 * model and the signed-in {@code Member} as a parameter) and contributes the access rules of its own paths as a
 * {@link com.imagegate.web.shell.ShellAccess} bean to web's browser security chain (sessions, sign-in, CSRF).
 */
@NamedInterface("shell")
package com.imagegate.web.shell;

import org.springframework.modulith.NamedInterface;
