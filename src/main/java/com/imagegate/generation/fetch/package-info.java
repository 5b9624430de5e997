/**
 * The SSRF-guarded fetcher of server-side requests (reference images, upstream {@code url} answers, webhook posts) and
 * its address policy. Exposed to other modules as the named interface {@code generation::fetch}.
 */
@NamedInterface("fetch")
package com.imagegate.generation.fetch;

import org.springframework.modulith.NamedInterface;
