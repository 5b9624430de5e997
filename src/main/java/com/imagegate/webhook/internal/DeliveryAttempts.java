package com.imagegate.webhook.internal;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface DeliveryAttempts extends JpaRepository<DeliveryAttempt, String> {

    @Query("select a from DeliveryAttempt a where a.deliveryId = :deliveryId order by a.attempt")
    List<DeliveryAttempt> ofDelivery(String deliveryId);
}
