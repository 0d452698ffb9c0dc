/*
 * A Kafka cluster for tests and local runs, built on librdkafka's mock cluster.
 *
 *   mock_broker [brokers=3] [topic ...]
 *
 * Each named topic is created with exactly one partition (auto-created topics would get 4)
 * and replication factor min(3, brokers). The first line of stdout is
 * `BOOTSTRAP host:port,...`; then one command per line is read from stdin and answered with
 * `ok` or `err <message>`:
 *
 *   down <broker> | up <broker> | rtt <broker> <ms> | leader <topic> <partition> <broker>
 *   push_errors <apiKey> <count> <errcode> | coordinator <group|transaction> <key> <broker>
 *   topic <name> <partitions> | quit
 *
 * It exits on `quit` or at end of stdin, so it never outlives the process that spawned it.
 *
 * Build: gcc -O2 -o mock_broker mock_broker.c -lrdkafka
 */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int brokers = 3;

static void answer(rd_kafka_resp_err_t err) {
        if (err)
                printf("err %s\n", rd_kafka_err2str(err));
        else
                printf("ok\n");
        fflush(stdout);
}

static void fail(const char *msg) {
        printf("err %s\n", msg);
        fflush(stdout);
}

/* Parses a whole decimal integer; returns 0 on anything else. */
static int int_arg(const char *s, long *out) {
        char *end;
        if (!s)
                return 0;
        *out = strtol(s, &end, 10);
        return *s && !*end;
}

static rd_kafka_resp_err_t create_topic(rd_kafka_mock_cluster_t *mc,
                                        const char *name,
                                        int partitions) {
        return rd_kafka_mock_topic_create(mc, name, partitions,
                                          brokers < 3 ? brokers : 3);
}

static void run(rd_kafka_mock_cluster_t *mc, char *line) {
        const char *sep = " \t\r\n";
        char *cmd = strtok(line, sep);
        char *a = strtok(NULL, sep), *b = strtok(NULL, sep),
             *c = strtok(NULL, sep);
        long x, y, z;

        if (!cmd)
                return fail("empty command");
        if (!strcmp(cmd, "down") && int_arg(a, &x))
                return answer(rd_kafka_mock_broker_set_down(mc, (int32_t)x));
        if (!strcmp(cmd, "up") && int_arg(a, &x))
                return answer(rd_kafka_mock_broker_set_up(mc, (int32_t)x));
        if (!strcmp(cmd, "rtt") && int_arg(a, &x) && int_arg(b, &y))
                return answer(
                    rd_kafka_mock_broker_set_rtt(mc, (int32_t)x, (int)y));
        if (!strcmp(cmd, "leader") && a && int_arg(b, &x) && int_arg(c, &y))
                return answer(rd_kafka_mock_partition_set_leader(
                    mc, a, (int32_t)x, (int32_t)y));
        if (!strcmp(cmd, "push_errors") && int_arg(a, &x) &&
            int_arg(b, &y) && int_arg(c, &z)) {
                rd_kafka_resp_err_t *errs;
                size_t i;
                if (y < 1 || y > 100000)
                        return fail("count must be 1..100000");
                errs = malloc(sizeof(*errs) * (size_t)y);
                for (i = 0; i < (size_t)y; i++)
                        errs[i] = (rd_kafka_resp_err_t)z;
                rd_kafka_mock_push_request_errors_array(mc, (int16_t)x,
                                                        (size_t)y, errs);
                free(errs);
                return answer(RD_KAFKA_RESP_ERR_NO_ERROR);
        }
        if (!strcmp(cmd, "coordinator") && a && b && int_arg(c, &x)) {
                if (strcmp(a, "group") && strcmp(a, "transaction"))
                        return fail("coordinator type is group or transaction");
                return answer(
                    rd_kafka_mock_coordinator_set(mc, a, b, (int32_t)x));
        }
        if (!strcmp(cmd, "topic") && a && int_arg(b, &x) && x > 0)
                return answer(create_topic(mc, a, (int)x));
        fail("unknown command or bad arguments");
}

int main(int argc, char **argv) {
        char errstr[512], line[4096];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        rd_kafka_t *rk;
        rd_kafka_mock_cluster_t *mc;
        long n;
        int i;

        if (argc > 1) {
                if (!int_arg(argv[1], &n) || n < 1 || n > 64) {
                        fprintf(stderr, "broker count must be 1..64\n");
                        return 2;
                }
                brokers = (int)n;
        }
        /* The handle only hosts the mock cluster's thread; keep its logs quiet. */
        rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof(errstr));
        rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        if (!rk) {
                fprintf(stderr, "rd_kafka_new: %s\n", errstr);
                return 1;
        }
        mc = rd_kafka_mock_cluster_new(rk, brokers);
        if (!mc) {
                fprintf(stderr, "could not create the mock cluster\n");
                return 1;
        }
        for (i = 2; i < argc; i++) {
                rd_kafka_resp_err_t err = create_topic(mc, argv[i], 1);
                if (err) {
                        fprintf(stderr, "topic %s: %s\n", argv[i],
                                rd_kafka_err2str(err));
                        return 1;
                }
        }
        printf("BOOTSTRAP %s\n", rd_kafka_mock_cluster_bootstraps(mc));
        fflush(stdout);

        while (fgets(line, sizeof(line), stdin)) {
                if (!strncmp(line, "quit", 4) &&
                    strspn(line + 4, " \t\r\n") == strlen(line + 4)) {
                        answer(RD_KAFKA_RESP_ERR_NO_ERROR);
                        break;
                }
                run(mc, line);
        }
        rd_kafka_mock_cluster_destroy(mc);
        rd_kafka_destroy(rk);
        return 0;
}
