package com.imagegate.credits;

import com.imagegate.testsupport.MariaDbIntegrationTest;
import com.imagegate.testsupport.MutableClock;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;

/**
 * The whole application on MariaDB with a clock the test moves and the expiry job every 5 s. Every credits IT on
 * MariaDB uses exactly this, so they share one application context (and one database).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@MariaDbIntegrationTest(properties = "imagegate.credits.expiry-interval=PT5S")
@AutoConfigureMockMvc
@Import(MutableClock.Config.class)
@interface CreditsIntegrationTest {}
