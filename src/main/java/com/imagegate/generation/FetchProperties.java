package com.imagegate.generation;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Server-side fetches of reference images and webhook deliveries.
 *
 * @param allowPrivateHosts test-only: lets image_urls and callback_url reach loopback and private addresses
 */
@ConfigurationProperties("imagegate.fetch")
public record FetchProperties(boolean allowPrivateHosts) {}
