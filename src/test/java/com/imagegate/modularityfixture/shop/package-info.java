@ApplicationModule(allowedDependencies = {})
package com.imagegate.modularityfixture.shop;

import org.springframework.modulith.ApplicationModule;
