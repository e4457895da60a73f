// Kafka's Java client in the loop Kafka Streams runs under exactly once, without the rest of
// Streams: poll (read_committed), send every record with its headers, and every 100 ms commit
// the transaction with the consumed positions and the group's metadata. The latency bench's
// second reference, with the batch sizes StreamsCopy.java gets. Run in source-file mode:
//   java -cp <Kafka's jars> TransactionalCopyLoop.java
//   <brokers> <input> <output> <group> <transactional id>
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public class TransactionalCopyLoop {
  static final long COMMIT_INTERVAL_MS = 100;

  public static void main(String[] args) {
    Properties consumerConfig = new Properties();
    consumerConfig.put("bootstrap.servers", args[0]);
    consumerConfig.put("group.id", args[3]);
    consumerConfig.put("isolation.level", "read_committed");
    consumerConfig.put("enable.auto.commit", "false");
    consumerConfig.put("auto.offset.reset", "earliest");
    consumerConfig.put("max.poll.records", "10000");
    consumerConfig.put("key.deserializer", ByteArrayDeserializer.class.getName());
    consumerConfig.put("value.deserializer", ByteArrayDeserializer.class.getName());
    Properties producerConfig = new Properties();
    producerConfig.put("bootstrap.servers", args[0]);
    producerConfig.put("transactional.id", args[4]);
    producerConfig.put("batch.size", String.valueOf(256 * 1024));
    producerConfig.put("linger.ms", "5");
    producerConfig.put("key.serializer", ByteArraySerializer.class.getName());
    producerConfig.put("value.serializer", ByteArraySerializer.class.getName());
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig);
    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig);
    producer.initTransactions();
    consumer.subscribe(List.of(args[1]));
    Runtime.getRuntime().addShutdownHook(new Thread(consumer::wakeup));
    System.out.println("running");
    String output = args[2];
    boolean open = false;
    long openedAt = 0;
    try {
      while (true) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(10));
        if (!records.isEmpty() && !open) {
          producer.beginTransaction();
          open = true;
          openedAt = System.currentTimeMillis();
        }
        for (ConsumerRecord<byte[], byte[]> record : records) {
          producer.send(new ProducerRecord<>(output, null, record.key(), record.value(), record.headers()));
        }
        if (open && System.currentTimeMillis() - openedAt >= COMMIT_INTERVAL_MS) {
          Map<TopicPartition, OffsetAndMetadata> positions = new HashMap<>();
          for (TopicPartition partition : consumer.assignment()) {
            positions.put(partition, new OffsetAndMetadata(consumer.position(partition)));
          }
          producer.sendOffsetsToTransaction(positions, consumer.groupMetadata());
          producer.commitTransaction();
          open = false;
        }
      }
    } catch (WakeupException stopping) {
      if (open) producer.abortTransaction();
      producer.close();
      consumer.close();
    }
  }
}
