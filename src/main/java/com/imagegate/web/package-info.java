/**
 * Server-rendered pages and htmx fragments (landing, pricing, docs, studio, gallery, keys, billing), the
 * browser security chain and the operations endpoints' access rules.
 */
@ApplicationModule(displayName = "Web")
package com.imagegate.web;

import org.springframework.modulith.ApplicationModule;
