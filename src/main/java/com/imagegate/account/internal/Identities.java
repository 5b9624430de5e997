package com.imagegate.account.internal;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

interface Identities extends JpaRepository<Identity, String> {

    Optional<Identity> findByProviderAndSubject(String provider, String subject);

    List<Identity> findByUserId(String userId);
}
