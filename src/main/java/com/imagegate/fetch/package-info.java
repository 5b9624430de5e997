/**
 * SSRF-guarded outbound HTTP: {@link com.imagegate.fetch.SafeFetcher} resolves a URL's host once, refuses private,
 * loopback, link-local and other non-public addresses ({@link com.imagegate.fetch.AddressPolicy}) at every hop,
 * pins the connection to the checked address and bounds the whole fetch by a deadline. Used for reference images,
 * upstream {@code url} answers and webhook deliveries; its settings are {@code imagegate.fetch.*}
 * ({@link com.imagegate.fetch.FetchProperties}). Depends on no other module.
 */
@ApplicationModule(
        displayName = "Fetch",
        allowedDependencies = {})
package com.imagegate.fetch;

import org.springframework.modulith.ApplicationModule;
