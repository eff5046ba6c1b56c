import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The benchmark's Kafka Streams baseline (scripts/bench/streams-copy.ts): copies an input topic
 * to an output topic under processing.guarantee=exactly_once_v2 with the topology
 * builder.stream(in).to(out), byte-array serdes, and every other setting at Streams' default
 * (commit.interval.ms is 100 ms under exactly-once). Prints one line with "records/sec" once the
 * application's committed offsets reach the input's end, then exits.
 *
 * <p>The rate is timed as the project's copy loop is timed: from the first committed transaction
 * seen to the last, counting the records committed after the first, by polling the group's
 * committed offsets (a transaction's offsets become visible with its outputs, at its commit).
 *
 * <p>No build step: java -cp '&lt;kafka-streams libs&gt;/*' StreamsCopy.java &lt;bootstrap&gt;
 * &lt;input topic&gt; &lt;output topic&gt; &lt;application id&gt; &lt;records in the input&gt;
 */
public class StreamsCopy {
  private static final long POLL_MS = 20;
  private static final long DEADLINE_NANOS = Duration.ofMinutes(10).toNanos();

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println("usage: StreamsCopy <bootstrap> <input> <output> <application id> <records>");
      System.exit(2);
    }
    String bootstrap = args[0];
    String input = args[1];
    String appId = args[3];
    long records = Long.parseLong(args[4]);
    Path stateDir = Files.createTempDirectory("eos-streams-");
    KafkaStreams streams = new KafkaStreams(topology(input, args[2]), config(bootstrap, appId, stateDir));
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      streams.start();
      System.out.println(timeCopy(streams, admin, appId, input, records));
    } finally {
      streams.close(Duration.ofSeconds(30));
      streams.cleanUp();
      Files.deleteIfExists(stateDir);
    }
    // Streams' and the admin's threads are closed; exit now rather than wait for stragglers.
    System.exit(0);
  }

  private static org.apache.kafka.streams.Topology topology(String input, String output) {
    StreamsBuilder builder = new StreamsBuilder();
    builder
        .stream(input, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
        .to(output, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
    return builder.build();
  }

  private static Properties config(String bootstrap, String appId, Path stateDir) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    // A stateless topology keeps nothing here, but Streams locks its task folders in it.
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    return props;
  }

  /** Polls the committed offsets until they reach `records`; returns the line to print. */
  private static String timeCopy(KafkaStreams streams, Admin admin, String group, String topic, long records)
      throws Exception {
    long started = System.nanoTime();
    long firstAt = 0;
    long firstCount = 0;
    for (long copied = 0; copied < records; copied = committed(admin, group, topic)) {
      if (firstAt == 0 && copied > 0) {
        firstAt = System.nanoTime();
        firstCount = copied;
      }
      // A failed stream thread ends the client by default (no handler replaces it): stop there.
      KafkaStreams.State state = streams.state();
      if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR)
        throw new IllegalStateException("Kafka Streams failed (state " + state + ")");
      if (System.nanoTime() - started > DEADLINE_NANOS)
        throw new IllegalStateException("Kafka Streams did not copy " + records + " records in time");
      Thread.sleep(POLL_MS);
    }
    long ended = System.nanoTime();
    // All of it in the first transaction seen: only the time since start is left to divide by.
    boolean whole = firstAt == 0 || firstCount >= records;
    double seconds = (ended - (whole ? started : firstAt)) / 1e9;
    long timed = records - (whole ? 0 : firstCount);
    // Read by scripts/bench/streams-copy.ts: keep the shape.
    return String.format(
        Locale.ROOT,
        "copied %d records: %.1f records/sec (%d records timed over %.3f s; %.2f s from start)",
        records,
        timed / seconds,
        timed,
        seconds,
        (ended - started) / 1e9);
  }

  /** The group's committed offsets on `topic`, summed: records copied (the input has no markers). */
  private static long committed(Admin admin, String group, String topic) throws Exception {
    try {
      return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
          .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
          .mapToLong(e -> e.getValue().offset())
          .sum();
    } catch (ExecutionException e) {
      // The group exists only once Streams joined it.
      if (e.getCause() instanceof GroupIdNotFoundException) return 0;
      throw e;
    }
  }
}
