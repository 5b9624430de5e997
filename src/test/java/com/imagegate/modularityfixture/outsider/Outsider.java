package com.imagegate.modularityfixture.outsider;

import com.imagegate.modularityfixture.shop.adapter.Adapter;

/** Another top-level module that uses a module nested in someone else's (a violation). */
public class Outsider {

    public String buy() {
        return new Adapter().serve("tea");
    }
}
