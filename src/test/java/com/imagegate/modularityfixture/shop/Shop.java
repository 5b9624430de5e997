package com.imagegate.modularityfixture.shop;

/** The parent module's API, which its nested module may use. */
public record Shop(String name) {}
