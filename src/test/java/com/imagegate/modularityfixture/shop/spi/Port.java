package com.imagegate.modularityfixture.shop.spi;

/** A port the nested module implements. */
public interface Port {

    String serve(String order);
}
