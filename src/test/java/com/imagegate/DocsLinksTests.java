package com.imagegate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The project's docs belong to the repository: every relative link in every Markdown file of the repository (README.md,
 * docs/**, bench/README.md …; not {@code target/}, {@code node_modules/}, {@code data/} or hidden folders) must point
 * at a file or folder that exists inside the repository. A link that leaves the repository root (such as
 * {@code ../shared/design/API.md}) fails, as does one to a missing file.
 *
 * <p>Links are inline links and images ({@code [text](path)}, {@code [text](path#anchor "title")}) and reference
 * definitions ({@code [id]: path}), outside fenced code blocks and inline code spans. Links with a scheme
 * ({@code https:}, {@code mailto:} …) are not checked. Anchors are checked when the target is a Markdown file (a link
 * within the same file included): the anchor must be the GitHub-style slug of one of its headings. Anchors on other
 * files (e.g. a line of a source file) are not checked.
 */
class DocsLinksTests {

    private static final Path ROOT = Path.of("").toAbsolutePath().normalize();
    private static final Set<String> SKIPPED_FOLDERS = Set.of("target", "node_modules", "data");
    private static final Pattern FENCE = Pattern.compile("^\\s*(```|~~~)");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(?:(?!\\1).)+?\\1");
    private static final Pattern INLINE_LINK = Pattern.compile("\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern REFERENCE_DEFINITION =
            Pattern.compile("^\\s{0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(\\s.*)?$");
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");
    private static final Pattern HEADING = Pattern.compile("^\\s{0,3}#{1,6}\\s+(.*?)\\s*#*\\s*$");

    private final Map<Path, Set<String>> anchors = new HashMap<>();

    /** One link as written, where it was found. */
    record Link(Path file, int line, String target) {

        @Override
        public String toString() {
            return ROOT.relativize(file) + ":" + line + ": " + target;
        }
    }

    @Test
    void everyRelativeLinkInTheDocsResolvesInsideTheRepository() throws IOException {
        List<Path> files = markdownFiles();
        assertThat(files)
                .as("the Markdown files scanned")
                .contains(ROOT.resolve("README.md"), ROOT.resolve("docs/api.md"), ROOT.resolve("docs/architecture.md"));

        List<Link> links = new ArrayList<>();
        for (Path file : files) {
            links.addAll(links(file));
        }
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Link link : links) {
            if (SCHEME.matcher(link.target()).find()) {
                continue; // http(s), mailto …: outside this check
            }
            checked++;
            String problem = problem(link);
            if (problem != null) {
                broken.add(link + " (" + problem + ")");
            }
        }
        assertThat(checked).as("relative links checked").isGreaterThan(20);
        assertThat(broken).as("broken relative links in the docs").isEmpty();
    }

    @Test
    void slugsFollowGitHub() {
        assertThat(slug("Tasks (`/api/v1`)")).isEqualTo("tasks-apiv1");
        assertThat(slug("Image links (`/files/…`)")).isEqualTo("image-links-files");
        assertThat(slug("How a `/v1` request ends")).isEqualTo("how-a-v1-request-ends");
        assertThat(slug("2026-11-25, shared 2-core VM")).isEqualTo("2026-11-25-shared-2-core-vm");
        assertThat(slug("Under load: **`bench/run.sh`**")).isEqualTo("under-load-benchrunsh");
    }

    @Test
    void brokenLinksAreFound() {
        Path readme = ROOT.resolve("README.md");
        assertThat(problem(new Link(readme, 1, "../shared/design/API.md"))).isEqualTo("leaves the repository");
        assertThat(problem(new Link(readme, 1, "docs/no-such-file.md"))).isEqualTo("no such file");
        assertThat(problem(new Link(readme, 1, "docs/api.md#errors"))).isNull();
        assertThat(problem(new Link(readme, 1, "docs/api.md#no-such-heading"))).startsWith("no heading");
        assertThat(problem(new Link(ROOT.resolve("docs/api.md"), 1, "#webhooks")))
                .isNull();
        assertThat(problem(new Link(ROOT.resolve("docs/api.md"), 1, "../bench/README.md")))
                .isNull();
    }

    /** Why the link does not resolve, or null when it does. */
    private String problem(Link link) {
        String target = link.target();
        int hash = target.indexOf('#');
        String pathPart = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        int query = pathPart.indexOf('?');
        if (query >= 0) {
            pathPart = pathPart.substring(0, query);
        }
        Path resolved;
        if (pathPart.isEmpty()) {
            resolved = link.file();
        } else {
            String decoded = URLDecoder.decode(pathPart.replace("+", "%2B"), StandardCharsets.UTF_8);
            Path base = decoded.startsWith("/") ? ROOT : link.file().getParent();
            resolved = base.resolve(decoded.startsWith("/") ? decoded.substring(1) : decoded)
                    .normalize();
        }
        if (!resolved.startsWith(ROOT)) {
            return "leaves the repository";
        }
        if (!Files.exists(resolved)) {
            return "no such file";
        }
        if (anchor != null && !anchor.isEmpty() && resolved.toString().endsWith(".md")) {
            if (!anchorsOf(resolved).contains(anchor.toLowerCase(Locale.ROOT))) {
                return "no heading with the anchor #" + anchor + " in " + ROOT.relativize(resolved);
            }
        }
        return null;
    }

    private Set<String> anchorsOf(Path markdown) {
        return anchors.computeIfAbsent(markdown, file -> {
            Set<String> found = new HashSet<>();
            Map<String, Integer> seen = new HashMap<>();
            try {
                boolean inFence = false;
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (FENCE.matcher(line).find()) {
                        inFence = !inFence;
                        continue;
                    }
                    Matcher heading = HEADING.matcher(line);
                    if (!inFence && heading.matches()) {
                        String slug = slug(heading.group(1));
                        int count = seen.merge(slug, 1, Integer::sum);
                        found.add(count == 1 ? slug : slug + "-" + (count - 1));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return found;
        });
    }

    /**
     * GitHub's heading anchor: lower case, every character that is not a letter, digit, space, hyphen or underscore
     * removed, spaces turned into hyphens.
     */
    static String slug(String heading) {
        String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1"); // a link in a heading: its text
        return text.toLowerCase(Locale.ROOT)
                .replaceAll("(?U)[^\\p{L}\\p{N}\\p{M} _-]", "")
                .replace(' ', '-');
    }

    private static List<Link> links(Path file) throws IOException {
        List<Link> links = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        boolean inFence = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (FENCE.matcher(line).find()) {
                inFence = !inFence;
                continue;
            }
            if (inFence) {
                continue;
            }
            String text = CODE_SPAN.matcher(line).replaceAll(match -> "x");
            Matcher inline = INLINE_LINK.matcher(text);
            while (inline.find()) {
                links.add(new Link(file, i + 1, inline.group(1)));
            }
            Matcher definition = REFERENCE_DEFINITION.matcher(text);
            if (definition.matches()) {
                links.add(new Link(file, i + 1, definition.group(1)));
            }
        }
        return links;
    }

    private static List<Path> markdownFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        Files.walkFileTree(ROOT, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                boolean skipped = !dir.equals(ROOT) && (name.startsWith(".") || SKIPPED_FOLDERS.contains(name));
                return skipped ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".md")) {
                    files.add(file.toAbsolutePath().normalize());
                }
                return FileVisitResult.CONTINUE;
            }
        });
        files.sort(null);
        return files;
    }
}
