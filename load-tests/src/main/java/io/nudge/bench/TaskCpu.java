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
 * after its chain of operators, so the thread's CPU time is the task's. The process's other Java threads are
 * summed by kind (Kafka clients, the rest), counting only what they spent since this started; the JIT compiler and
 * the garbage collector run outside Java threads, so they are the process's CPU time less all of these. Sampled while the job runs, because a task's thread ends with the job; the last sample before the end
 * counts (a quarter of a second is lost at most).
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
    private final Map<Long, Long> before = new HashMap<>();
    private final com.sun.management.OperatingSystemMXBean process =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final long processBefore = process.getProcessCpuTime();
    private final long compilingBefore = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    private final long collectingBefore = collectingMillis();
    private final Thread sampler;
    private volatile boolean running = true;

    TaskCpu() {
        threads.setThreadCpuTimeEnabled(true);
        for (long id : threads.getAllThreadIds()) {
            before.put(id, Math.max(0, threads.getThreadCpuTime(id)));
        }
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

    /**
     * The tasks' CPU times so far, the busiest first, then the JVM's other threads by kind; threads of the same
     * task (restarts) are added up.
     */
    synchronized List<Task> tasks() {
        sample();
        Map<String, Long> byTask = new LinkedHashMap<>();
        Map<String, Long> others = new LinkedHashMap<>();
        cpu.forEach((id, nanos) -> {
            String name = names.get(id);
            Matcher task = TASK_THREAD.matcher(name);
            long spent = nanos - before.getOrDefault(id, 0L);
            if (task.matches()) {
                byTask.merge(task.group(1), spent, Long::sum);
            } else {
                others.merge(kindOf(name), spent, Long::sum);
            }
        });
        List<Task> tasks = new java.util.ArrayList<>(byTask.entrySet().stream().map(entry -> new Task(entry.getKey(), entry.getValue()))
                .sorted(Comparator.comparingLong(Task::cpuNanos).reversed()).toList());
        others.entrySet().stream().map(entry -> new Task(entry.getKey(), entry.getValue()))
                .sorted(Comparator.comparingLong(Task::cpuNanos).reversed()).forEach(tasks::add);
        long threadsTotal = tasks.stream().mapToLong(Task::cpuNanos).sum();
        long processTotal = process.getProcessCpuTime() - processBefore;
        long compiling = ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - compilingBefore;
        long collecting = collectingMillis() - collectingBefore;
        tasks.add(new Task("(JVM: JIT compiler, garbage collector: the process's CPU time less its Java threads'; "
                + String.format("%,d ms compiling, %,d ms collecting)", compiling, collecting), Math.max(0, processTotal - threadsTotal)));
        tasks.add(new Task("whole process", processTotal));
        return tasks;
    }

    private static long collectingMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(gc -> Math.max(0, gc.getCollectionTime())).sum();
    }

    private static String kindOf(String thread) {
        if (thread.startsWith("kafka-")) {
            return "(Kafka clients: producers' and consumers' network threads)";
        }
        return "(other threads of this process: Flink runtime, the benchmark)";
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }
}
