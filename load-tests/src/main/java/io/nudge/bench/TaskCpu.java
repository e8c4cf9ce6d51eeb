package io.nudge.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CPU time of the tasks of a job running in this JVM (a MiniCluster), per task: Flink names each task's thread
 * after its chain of operators, so the thread's CPU time is the task's. Sampled while the job runs, because a
 * task's thread ends with the job; the last sample before the end counts (a quarter of a second is lost at most).
 */
final class TaskCpu implements AutoCloseable {

    /** One task's CPU time in a run. */
    record Task(String name, long cpuNanos) {
        double microsPerEvent(long events) {
            return cpuNanos / 1e3 / Math.max(1, events);
        }
    }

    /** "name (subtask/parallelism)#attempt": a task's thread. */
    private static final Pattern TASK_THREAD = Pattern.compile("(.*) \\(\\d+/\\d+\\)#\\d+");

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, String> names = new HashMap<>();
    private final Map<Long, Long> cpu = new HashMap<>();
    private final Thread sampler;
    private volatile boolean running = true;

    TaskCpu() {
        threads.setThreadCpuTimeEnabled(true);
        sampler = new Thread(() -> {
            while (running) {
                sample();
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "task-cpu");
        sampler.setDaemon(true);
        sampler.start();
    }

    private synchronized void sample() {
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long nanos = threads.getThreadCpuTime(info.getThreadId());
            if (nanos > 0) {
                names.put(info.getThreadId(), info.getThreadName());
                cpu.merge(info.getThreadId(), nanos, Math::max);
            }
        }
    }

    /** The tasks' CPU times so far, the busiest first; threads of the same task (restarts) are added up. */
    synchronized List<Task> tasks() {
        sample();
        Map<String, Long> byTask = new LinkedHashMap<>();
        cpu.forEach((id, nanos) -> {
            Matcher task = TASK_THREAD.matcher(names.get(id));
            if (task.matches()) {
                byTask.merge(task.group(1), nanos, Long::sum);
            }
        });
        return byTask.entrySet().stream().map(entry -> new Task(entry.getKey(), entry.getValue()))
                .sorted(Comparator.comparingLong(Task::cpuNanos).reversed()).toList();
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }
}
