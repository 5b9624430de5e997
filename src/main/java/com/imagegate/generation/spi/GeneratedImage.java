package com.imagegate.generation.spi;

import com.imagegate.generation.OutputFormat;

/** One image a provider made: encoded bytes in the requested format, and its pixel size. */
public record GeneratedImage(byte[] bytes, int width, int height, OutputFormat format) {}
