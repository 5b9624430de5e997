/**
 * Image generation: tasks, sizes and pricing, the render job, providers (openai, sandbox), reference-image
 * fetching, image storage and task webhooks.
 */
@ApplicationModule(displayName = "Generation", allowedDependencies = "credits")
package com.imagegate.generation;

import org.springframework.modulith.ApplicationModule;
