package com.imagegate.generation.internal;

import com.imagegate.AssignedIdEntity;
import com.imagegate.generation.GenerationProperties.Provider;
import com.imagegate.generation.ImageSize;
import com.imagegate.generation.OutputFormat;
import com.imagegate.generation.Quality;
import com.imagegate.generation.TaskKind;
import com.imagegate.generation.TaskSource;
import com.imagegate.generation.TaskStatus;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;

/**
 * An image task. Status changes that race between nodes (claiming, finishing, canceling) are conditional updates in
 * {@link Tasks}; this entity is read, and written once at acceptance.
 */
@Entity
@Table(name = "image_tasks")
class Task extends AssignedIdEntity<String> {

    @Id
    private String id;

    @Column(name = "workspace_id", nullable = false)
    private String workspaceId;

    @Column(name = "api_key_id")
    private String apiKeyId;

    @Convert(converter = TaskColumns.Source.class)
    @Column(nullable = false)
    private TaskSource source;

    @Convert(converter = TaskColumns.Kind.class)
    @Column(nullable = false)
    private TaskKind kind;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private TaskStatus status;

    @Column(nullable = false)
    private String model;

    @Column(name = "model_snapshot", nullable = false)
    private String modelSnapshot;

    @Convert(converter = TaskColumns.ProviderName.class)
    @Column(nullable = false)
    private Provider provider;

    @Column(columnDefinition = "mediumtext")
    private String prompt;

    @Column(name = "image_urls", columnDefinition = "mediumtext")
    private String imageUrls;

    @Column(name = "reference_keys", columnDefinition = "mediumtext")
    private String referenceKeys;

    @Column(nullable = false)
    private int n;

    @Column(nullable = false)
    private String size;

    @Column(nullable = false)
    private String quality;

    @Column(name = "output_format", nullable = false)
    private String outputFormat;

    @Column(name = "end_user")
    private String endUser;

    @Column(name = "callback_url")
    private String callbackUrl;

    @Column(nullable = false)
    private long credits;

    @Column(name = "credits_captured")
    private Long creditsCaptured;

    @Column(name = "credits_refunded", nullable = false)
    private boolean creditsRefunded;

    @Column(name = "error_code")
    private String errorCode;

    @Column(name = "error_message")
    private String errorMessage;

    @Column(name = "request_id")
    private String requestId;

    @Column(name = "request_hash")
    private String requestHash;

    @Column(name = "enhance_scale")
    private Integer enhanceScale;

    @Column(nullable = false)
    private int attempts;

    @Column(name = "lease_owner")
    private String leaseOwner;

    @Column(name = "lease_until")
    private Instant leaseUntil;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "started_at")
    private Instant startedAt;

    @Column(name = "finished_at")
    private Instant finishedAt;

    @Column(name = "partial_images")
    private int partialImages;

    @Column(name = "partials", insertable = false, updatable = false)
    private int partials;

    protected Task() {}

    Task(
            String id,
            NewTask spec,
            long credits,
            Provider provider,
            String modelSnapshot,
            List<String> referenceKeys,
            String requestHash,
            Instant now) {
        this.id = id;
        this.requestHash = requestHash;
        this.referenceKeys = referenceKeys.isEmpty() ? null : String.join("\n", referenceKeys);
        this.workspaceId = spec.workspaceId();
        this.apiKeyId = spec.apiKeyId();
        this.source = spec.source();
        this.kind = spec.kind();
        this.status = TaskStatus.PENDING;
        this.model = spec.model();
        this.modelSnapshot = modelSnapshot;
        this.provider = provider;
        this.prompt = spec.prompt();
        this.imageUrls = spec.imageUrlsJson();
        this.n = spec.n();
        this.size = spec.size().wireValue();
        this.quality = spec.quality().wireValue();
        this.outputFormat = spec.format().wireValue();
        this.endUser = spec.user();
        this.callbackUrl = spec.callbackUrl();
        this.enhanceScale = spec.enhanceScale();
        this.partialImages = spec.partialImages();
        this.credits = credits;
        this.requestId = spec.requestId();
        this.createdAt = now;
    }

    /** What a caller asked for, validated, before it is priced. */
    record NewTask(
            String workspaceId,
            String apiKeyId,
            TaskSource source,
            TaskKind kind,
            String model,
            String prompt,
            String imageUrlsJson,
            int n,
            ImageSize size,
            Quality quality,
            OutputFormat format,
            String user,
            String callbackUrl,
            String requestId,
            Integer enhanceScale,
            int partialImages) {}

    /** How many partial images are stored for the task (0 again once the sweeper removed them). */
    int partials() {
        return partials;
    }

    /** How many partial images the caller asked for (0–3). */
    int partialImages() {
        return partialImages;
    }

    String id() {
        return id;
    }

    @Override
    public String getId() {
        return id;
    }

    String workspaceId() {
        return workspaceId;
    }

    String apiKeyId() {
        return apiKeyId;
    }

    TaskSource source() {
        return source;
    }

    TaskKind kind() {
        return kind;
    }

    TaskStatus status() {
        return status;
    }

    String model() {
        return model;
    }

    String modelSnapshot() {
        return modelSnapshot;
    }

    Provider provider() {
        return provider;
    }

    String prompt() {
        return prompt;
    }

    String imageUrlsJson() {
        return imageUrls;
    }

    /** Storage keys of the fetched reference images, in order. */
    List<String> referenceKeys() {
        return referenceKeys == null || referenceKeys.isBlank() ? List.of() : List.of(referenceKeys.split("\n"));
    }

    int n() {
        return n;
    }

    ImageSize size() {
        return ImageSize.parse(size).orElseThrow();
    }

    Quality quality() {
        return Quality.parse(quality).orElseThrow();
    }

    OutputFormat outputFormat() {
        return OutputFormat.parse(outputFormat).orElseThrow();
    }

    String endUser() {
        return endUser;
    }

    /** For an enhancement: how many times larger (2 or 4); null for a generation. */
    int enhanceScale() {
        return enhanceScale == null ? 2 : enhanceScale;
    }

    String callbackUrl() {
        return callbackUrl;
    }

    long credits() {
        return credits;
    }

    Long creditsCaptured() {
        return creditsCaptured;
    }

    boolean creditsRefunded() {
        return creditsRefunded;
    }

    String errorCode() {
        return errorCode;
    }

    String errorMessage() {
        return errorMessage;
    }

    String requestId() {
        return requestId;
    }

    int attempts() {
        return attempts;
    }

    String leaseOwner() {
        return leaseOwner;
    }

    Instant leaseUntil() {
        return leaseUntil;
    }

    Instant createdAt() {
        return createdAt;
    }

    Instant startedAt() {
        return startedAt;
    }

    Instant finishedAt() {
        return finishedAt;
    }
}
