package com.imagegate.account.internal;

import com.imagegate.account.Role;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

interface Users extends JpaRepository<User, String> {

    Optional<User> findByEmail(String normalizedEmail);

    boolean existsByRole(Role role);
}
