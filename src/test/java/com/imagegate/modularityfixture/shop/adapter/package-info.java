@ApplicationModule(allowedDependencies = {"shop", "shop :: spi"})
package com.imagegate.modularityfixture.shop.adapter;

import org.springframework.modulith.ApplicationModule;
