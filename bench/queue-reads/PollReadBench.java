import java.sql.*;
import java.util.*;

/**
 * The task poll's read (TaskViews.READ) as it is ("before"), with the queue count folded into it as a scalar subquery
 * ("after", rejected: it slowed every poll), and as built: the same read plus a second count only for pending tasks
 * ("split"). 3,000 reads each, after a warm-up round, on the scratch database queue-reads.sh fills.
 */
public class PollReadBench {
    static final String BEFORE = """
        select t.id, t.status, t.model, t.created_at, t.credits, t.n, t.size, t.quality, t.output_format,
               t.end_user, t.error_code, t.error_message, t.credits_refunded, t.credits_captured, t.started_at,
               t.finished_at, t.kind, t.prompt, i.storage_key, i.width, i.height
        from image_tasks t
        left join task_images i on i.task_id = t.id and t.status = 'SUCCEEDED'
        where t.id = ? and t.workspace_id = ?
        order by i.position""";
    static final String AFTER = """
        select t.id, t.status, t.model, t.created_at, t.credits, t.n, t.size, t.quality, t.output_format,
               t.end_user, t.error_code, t.error_message, t.credits_refunded, t.credits_captured, t.started_at,
               t.finished_at, t.kind, t.prompt, t.provider, i.storage_key, i.width, i.height,
        case when t.status = 'PENDING' then (select count(*) from image_tasks p where p.status = 'PENDING'
                and p.provider = t.provider and (p.created_at < t.created_at
                or (p.created_at = t.created_at and p.id < t.id))) end
         as ahead
        from image_tasks t
        left join task_images i on i.task_id = t.id and t.status = 'SUCCEEDED'
        where t.id = ? and t.workspace_id = ?
        order by i.position""";

    static final String AHEAD = """
        select count(*) from image_tasks p where p.status = 'PENDING' and p.provider = ?
          and (p.created_at < ? or (p.created_at = ? and p.id < ?))""";

    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/sse_pollbench", "root", "")) {
            String[][] cases = {{"succeeded", "t_s_10000"}, {"processing", "t_r_5"}, {"pending #1", "t_p_000"}, {"pending #500", "t_p_499"}};
            for (int round = 0; round < 2; round++) {
                for (String[] cs : cases) {
                    for (String[] q : new String[][] {{"before", BEFORE}, {"after", AFTER}, {"split", BEFORE}}) {
                        try (PreparedStatement ps = c.prepareStatement(q[1])) {
                            long[] t = new long[3000];
                            for (int i = 0; i < t.length; i++) {
                                long s = System.nanoTime();
                                ps.setString(1, cs[1]); ps.setString(2, "ws");
                                String st = null; Timestamp cr = null;
                                try (ResultSet rs = ps.executeQuery()) { while (rs.next()) { st = rs.getString("status"); cr = rs.getTimestamp("created_at"); } }
                                if (q[0].equals("split") && "PENDING".equals(st)) {
                                    try (PreparedStatement a = c.prepareStatement(AHEAD)) {
                                        a.setString(1, "sandbox"); a.setTimestamp(2, cr); a.setTimestamp(3, cr); a.setString(4, cs[1]);
                                        try (ResultSet rs = a.executeQuery()) { rs.next(); rs.getInt(1); }
                                    }
                                }
                                t[i] = System.nanoTime() - s;
                            }
                            Arrays.sort(t);
                            if (round == 1) System.out.printf("%-13s %-6s p50 %.3f ms  p90 %.3f ms  p99 %.3f ms%n", cs[0], q[0], t[1500]/1e6, t[2700]/1e6, t[2970]/1e6);
                        }
                    }
                }
            }
        }
    }
}
