package com.imagegate.modularityfixture.shop.adapter;

import com.imagegate.modularityfixture.shop.Shop;
import com.imagegate.modularityfixture.shop.internal.ShopInternals;
import com.imagegate.modularityfixture.shop.spi.Port;

/** Implements the port and uses the parent's API (allowed), and reaches into the parent's internals (a violation). */
public class Adapter implements Port {

    @Override
    public String serve(String order) {
        return new Shop(order).name() + ShopInternals.secret();
    }
}
