package io.isostack.correlator.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@link Fault#VIRTQUEUE} fault: a storm of direct 4 KiB writes, many in flight at once ({@code
 * fio}, libaio, queue depth 128 per job), on the virtio-blk disk the backend commits its journal
 * to, so that the disk's virtqueue stays at its depth (85 one-segment requests on this machine's
 * {@code vda}: a 256-descriptor ring, 3 descriptors per request) while the backend's {@code
 * fdatasync}ed writes wait for room in it: L-2, the virtqueue full (docs/METHOD.md §3.2).
 * Stateless.
 */
final class VirtqueueStorm {
  /** The verdict, in words. */
  static final String EXPECTED = "L-2 paravirtualization, virtio-blk virtqueue full";

  /** fio jobs by level, each with 128 direct writes in flight. */
  private static final int[] JOBS = {1, 2, 4};

  /** Each job's file (fallocate's and fio's notation). */
  private static final String FILE_SIZE = "256M";

  private VirtqueueStorm() {}

  /**
   * Picks the producers (the scheduler, block requests and the queue sampler of the backend's disk)
   * and the backend's journal: 64 commits of 4 KiB, each {@code fdatasync}ed, per request.
   *
   * @throws IOException if the backend's disk is not a virtio-blk disk
   */
  static void prepare(FaultSetup s) throws IOException, InterruptedException {
    String disk = Fault.diskOf(s.work);
    Path driver = Path.of("/sys/block", disk, "device", "driver");
    String name = Files.exists(driver) ? driver.toRealPath().getFileName().toString() : "none";
    if (!name.equals("virtio_blk")) {
      throw new IOException(
          "the virtqueue fault needs a virtio-blk disk under "
              + s.work
              + ": "
              + disk
              + " is "
              + name);
    }
    s.producers.add(s.bpftrace("sched.bt", "1000"));
    s.producers.add("bash " + s.ebpf.resolve("block.sh") + " " + disk + " " + s.host + " 1000");
    s.producers.add(
        "bash "
            + s.ebpf.resolve("virtq-sampler.sh")
            + " --dev "
            + disk
            + " --host "
            + s.host
            + " --interval-ms 5 --window-ms 100");
    s.backendArgs.addAll(
        List.of(
            "--sync-write-bytes",
            "4096",
            "--sync-writes",
            "64",
            // A tenth of the default CPU work: on a busy 2-CPU machine the request's time is then
            // its commits' (each waiting for room in the ring), not run-queue waits for hashing.
            "--work-iterations",
            "4000",
            "--write-dir",
            s.work.toString()));
  }

  /**
   * Starts the fio jobs a level adds, at the lowest CPU priority (the ring stays full with little
   * CPU; the services keep theirs), each on a file allocated beforehand (so that fio does not lay
   * it out with buffered writes first); each stops after 120 s, or when the lab closes.
   */
  static void induce(FaultLab lab, FaultSetup s, int level)
      throws IOException, InterruptedException {
    for (int i = level == 0 ? 0 : JOBS[level - 1]; i < JOBS[level]; i++) {
      Path file = s.work.resolve("virtq-storm-" + i);
      FaultLab.sh("fallocate", "-l", FILE_SIZE, file.toString());
      lab.start(
          "virtq-storm-" + i,
          List.of(
              "nice",
              "-n",
              "19",
              "fio",
              "--name=virtq-storm-" + i,
              "--filename=" + file,
              "--iodepth_batch_submit=16",
              "--iodepth_batch_complete_min=8",
              "--rw=randwrite",
              "--bs=4k",
              "--direct=1",
              "--ioengine=libaio",
              "--iodepth=128",
              "--size=" + FILE_SIZE,
              "--time_based",
              "--runtime=120"));
    }
  }

  static int levels() {
    return JOBS.length;
  }

  static String strength(int level) {
    return JOBS[level] + " fio job(s) of 128 direct 4 KiB writes in flight on the backend's disk";
  }
}
