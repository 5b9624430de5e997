@NamedInterface("spi")
package com.imagegate.modularityfixture.shop.spi;

import org.springframework.modulith.NamedInterface;
