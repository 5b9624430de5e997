import java.sql.*;
import java.util.*;

/**
 * The watcher's round for 1, 100 and 500 watched tasks (one in five pending, spread over a 500-deep queue): the batched
 * read with a count per pending task, and the batched read plus one ordered pass over the pending queue. TaskWatcher
 * uses the first for up to 8 pending tasks and the second beyond.
 */
public class WatchReadBench {
    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/sse_pollbench", "root", "")) {
            for (int n : new int[] {1, 100, 500, 1, 100, 500}) {
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < n; i++) ids.add(i % 5 == 0 ? "t_p_" + String.format("%03d", i % 500) : i % 5 == 1 ? "t_r_" + (i % 10) : "t_s_" + (i * 37 % 20000));
                String sql = "select t.id, t.status, t.started_at, t.provider, t.size, case when t.status = 'PENDING' then (select count(*) from image_tasks p where p.status = 'PENDING' and p.provider = t.provider and (p.created_at < t.created_at or (p.created_at = t.created_at and p.id < t.id))) end as ahead from image_tasks t where t.id in (" + String.join(",", Collections.nCopies(n, "?")) + ")";
                long[] t = new long[300];
                for (int r = 0; r < t.length; r++) {
                    long s = System.nanoTime();
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        for (int i = 0; i < n; i++) ps.setString(i + 1, ids.get(i));
                        try (ResultSet rs = ps.executeQuery()) { while (rs.next()) {} }
                    }
                    t[r] = System.nanoTime() - s;
                }
                Arrays.sort(t);
                System.out.printf("%3d watched (1 in 5 pending), count per task: p50 %.2f ms  p90 %.2f ms%n", n, t[150]/1e6, t[270]/1e6);
                String plain = "select id, status, started_at, provider, size from image_tasks where id in (" + String.join(",", Collections.nCopies(n, "?")) + ")";
                for (int r = 0; r < t.length; r++) {
                    long s = System.nanoTime();
                    Set<String> pend = new HashSet<>();
                    try (PreparedStatement ps = c.prepareStatement(plain)) {
                        for (int i = 0; i < n; i++) ps.setString(i + 1, ids.get(i));
                        try (ResultSet rs = ps.executeQuery()) { while (rs.next()) { if (rs.getString(2).equals("PENDING")) pend.add(rs.getString(1)); } }
                    }
                    if (!pend.isEmpty()) {
                        try (PreparedStatement ps = c.prepareStatement("select id, provider from image_tasks where status = 'PENDING' order by created_at, id limit 5000")) {
                            Map<String,Integer> per = new HashMap<>(); Map<String,Integer> ahead = new HashMap<>();
                            try (ResultSet rs = ps.executeQuery()) { while (rs.next()) { int b = per.merge(rs.getString(2), 1, Integer::sum) - 1; if (pend.contains(rs.getString(1))) ahead.put(rs.getString(1), b); } }
                        }
                    }
                    t[r] = System.nanoTime() - s;
                }
                Arrays.sort(t);
                System.out.printf("%3d watched (1 in 5 pending), one queue scan: p50 %.2f ms  p90 %.2f ms%n", n, t[150]/1e6, t[270]/1e6);
            }
        }
    }
}
