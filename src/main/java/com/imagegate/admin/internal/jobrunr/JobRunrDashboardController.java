package com.imagegate.admin.internal.jobrunr;

import com.imagegate.account.Member;
import com.imagegate.web.shell.ShellPage;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import org.jobrunr.dashboard.JobRunrApiHandler;
import org.jobrunr.dashboard.JobRunrSseHandler;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.utils.mapper.JsonMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;

/**
 * JobRunr's own dashboard, for admins only, behind this application's sign-in: its frontend under
 * {@code /admin/jobrunr/dashboard}, its REST calls under {@code /admin/jobrunr/api} and its event streams under
 * {@code /admin/jobrunr/sse}, answered in this process by JobRunr's own handlers (so no port of JobRunr's is ever
 * opened). Every change made through it (requeue, delete, trigger…) is written to the audit log.
 */
@Controller
@ShellPage
class JobRunrDashboardController {

    private static final Logger log = LoggerFactory.getLogger(JobRunrDashboardController.class);
    private static final String BASE = JobRunrFrontend.BASE;

    /** An event stream ends after this long; the browser reconnects at once, and is authorized anew. */
    private static final Duration STREAM_LIFETIME = Duration.ofMinutes(5);

    private final JobRunrFrontend frontend = new JobRunrFrontend(JobRunrDashboardController.class.getClassLoader());
    private final SecureRandom random = new SecureRandom();
    private final JobRunrApiHandler api;
    private final JobRunrSseHandler events;
    private final StorageProvider storage;
    private final JobRunrAudit audit;

    JobRunrDashboardController(
            ObjectProvider<StorageProvider> storage, ObjectProvider<JsonMapper> json, JobRunrAudit audit) {
        this.storage = storage.getIfAvailable();
        this.audit = audit;
        JsonMapper mapper = json.getIfAvailable();
        boolean running = this.storage != null && mapper != null;
        this.api = running ? new JobRunrApiHandler(this.storage, mapper, false) : null;
        this.events = running ? new JobRunrSseHandler(this.storage, mapper) : null;
    }

    @GetMapping({BASE, BASE + "/"})
    String home() {
        return "redirect:" + BASE + "/dashboard/overview";
    }

    @GetMapping({BASE + "/dashboard", BASE + "/dashboard/**"})
    ResponseEntity<byte[]> frontend(HttpServletRequest request) {
        if (api == null) {
            return ResponseEntity.notFound().build();
        }
        String path = relative(request, BASE + "/dashboard").replaceFirst("^/", "");
        JobRunrFrontend.Asset asset = frontend.asset(path);
        if (!asset.page()) {
            // File names carry a content hash; only the page itself must be fetched anew.
            return ResponseEntity.ok()
                    .contentType(asset.type())
                    .cacheControl(CacheControl.maxAge(Duration.ofDays(7)).cachePrivate())
                    .body(asset.body());
        }
        byte[] seed = new byte[16];
        random.nextBytes(seed);
        String nonce = Base64.getEncoder().encodeToString(seed);
        return ResponseEntity.ok()
                .contentType(asset.type())
                .cacheControl(CacheControl.noStore())
                // JobRunr's own policy for this page, plus ours: its scripts by nonce, its styles inline (the
                // component library injects them), calls to this server only (not to JobRunr's analytics).
                .header(
                        "Content-Security-Policy",
                        "default-src 'self'; script-src 'nonce-" + nonce + "' 'strict-dynamic';"
                                + " style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self';"
                                + " object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
                .body(asset.withNonce(nonce));
    }

    @RequestMapping(
            path = BASE + "/api/**",
            method = {RequestMethod.GET, RequestMethod.POST, RequestMethod.DELETE})
    ResponseEntity<byte[]> api(HttpServletRequest request, Member admin) {
        if (api == null) {
            return ResponseEntity.notFound().build();
        }
        String method = request.getMethod().toUpperCase(Locale.ROOT);
        URI uri = jobRunrUri(request);
        boolean change = !method.equals("GET");
        JobRunrCall call = change ? JobRunrCall.of(method, uri.getPath()) : null;
        String before = change ? call.state(storage) : null;
        BridgedExchange exchange = BridgedExchange.buffered(method, uri);
        api.handle(exchange);
        int status = exchange.status() == -1 ? 404 : exchange.status();
        if (status >= 500) {
            // JobRunr answers an exception with its stack trace: that stays in the log.
            log.warn(
                    "JobRunr's dashboard API failed on {} {}: {}",
                    method,
                    uri,
                    new String(exchange.bufferedBody(), StandardCharsets.UTF_8));
            return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
                    .contentType(MediaType.TEXT_PLAIN)
                    .body("JobRunr could not answer this call; the server log has the details."
                            .getBytes(StandardCharsets.UTF_8));
        }
        if (change && status / 100 == 2) {
            audit.record(admin, call, before, call.state(storage));
        }
        var answer = ResponseEntity.status(status).cacheControl(CacheControl.noStore());
        String type = exchange.getResponseHeaders().getFirst(HttpHeaders.CONTENT_TYPE);
        if (type != null) {
            answer.header(HttpHeaders.CONTENT_TYPE, type);
        }
        return answer.body(exchange.bufferedBody());
    }

    @GetMapping(BASE + "/sse/**")
    ResponseEntity<ResponseBodyEmitter> events(HttpServletRequest request) throws IOException {
        if (events == null) {
            return ResponseEntity.notFound().build();
        }
        var emitter = new ResponseBodyEmitter(STREAM_LIFETIME.toMillis());
        var exchange = new BridgedExchange("GET", jobRunrUri(request), new EmitterStream(emitter));
        try {
            events.handle(exchange);
        } catch (RuntimeException e) {
            log.debug("JobRunr has no event stream at {}", exchange.getRequestURI(), e);
            return ResponseEntity.notFound().build();
        }
        if (exchange.status() != 200) {
            // 417: JobRunr's limit of open streams is reached.
            return ResponseEntity.status(exchange.status() == -1 ? 404 : exchange.status())
                    .build();
        }
        return ResponseEntity.ok()
                .contentType(MediaType.TEXT_EVENT_STREAM)
                .cacheControl(CacheControl.noStore())
                .header("X-Accel-Buffering", "no")
                .body(emitter);
    }

    /** Open event streams end before the web server drains, so they do not hold a shutdown up. */
    @EventListener(ContextClosedEvent.class)
    void closeStreams() {
        if (events != null) {
            events.close();
        }
    }

    /** The request's URI as JobRunr's handlers know it: without our prefix. A malformed one is a 400. */
    private static URI jobRunrUri(HttpServletRequest request) {
        String query = request.getQueryString();
        try {
            return URI.create(relative(request, BASE) + (query == null ? "" : "?" + query));
        } catch (IllegalArgumentException e) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "This address is not one of JobRunr's.");
        }
    }

    private static String relative(HttpServletRequest request, String prefix) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return path.substring(Math.min(prefix.length(), path.length()));
    }

    /**
     * What JobRunr's event streams write, sent on to the browser at each flush; once the browser is gone (or the
     * stream's lifetime is over) every write fails, which is how JobRunr learns to drop the stream.
     */
    private static final class EmitterStream extends OutputStream {

        private final ResponseBodyEmitter emitter;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private volatile boolean gone;

        EmitterStream(ResponseBodyEmitter emitter) {
            this.emitter = emitter;
            emitter.onTimeout(this::close);
            emitter.onError(e -> gone = true);
            emitter.onCompletion(() -> gone = true);
        }

        @Override
        public synchronized void write(int b) throws IOException {
            open();
            pending.write(b);
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
            open();
            pending.write(bytes, offset, length);
        }

        @Override
        public synchronized void flush() throws IOException {
            open();
            if (pending.size() == 0) {
                return;
            }
            byte[] chunk = pending.toByteArray();
            pending.reset();
            try {
                emitter.send(chunk);
            } catch (IOException | IllegalStateException e) {
                gone = true;
                throw new IOException("the event stream's browser is gone", e);
            }
        }

        @Override
        public synchronized void close() {
            if (!gone) {
                gone = true;
                emitter.complete();
            }
        }

        private void open() throws IOException {
            if (gone) {
                throw new IOException("the event stream has ended");
            }
        }
    }
}
