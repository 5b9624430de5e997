/**
 * Server-rendered pages and htmx fragments (landing, pricing, docs, studio, gallery, keys, billing), the
 * browser security chain and the operations endpoints' access rules. The shell other page modules build on (the
 * layout's model, the signed-in member as a parameter, their own rules in the security chain) is the named
 * interface {@code web :: shell}.
 */
@ApplicationModule(displayName = "Web")
package com.imagegate.web;

import org.springframework.modulith.ApplicationModule;
