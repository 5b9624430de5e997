package com.imagegate.modularityfixture.shop.internal;

/** The parent module's internals, which its nested module must not use. */
public class ShopInternals {

    public static String secret() {
        return "internal";
    }
}
