"""Threads, subprocesses and a multiprocessing pool; deterministic output."""
import hashlib
import multiprocessing
import subprocess
import sys
import threading


def digest(n):
    return hashlib.sha256(str(n).encode()).hexdigest()[:12]


def worker(n, results, lock):
    value = digest(n)
    with lock:
        results[n] = value


def main():
    results = {}
    lock = threading.Lock()
    threads = [threading.Thread(target=worker, args=(n, results, lock)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("threads:", " ".join(results[n] for n in sorted(results)))

    out = subprocess.run(["sh", "-c", "echo from-sh; exit 3"], capture_output=True, text=True)
    print("subprocess:", out.stdout.strip(), "status", out.returncode)
    piped = subprocess.run([sys.executable, "-c", "import sys; print(sum(map(int, sys.stdin)))"],
                           input="\n".join(str(i) for i in range(1000)), capture_output=True,
                           text=True, check=True)
    print("python child summed:", piped.stdout.strip())

    with multiprocessing.get_context("fork").Pool(4) as pool:
        print("pool:", pool.map(digest, range(8)))
    proc = multiprocessing.get_context("fork").Process(target=sys.exit, args=(9,))
    proc.start()
    proc.join()
    print("process exit code:", proc.exitcode)
    return 5


if __name__ == "__main__":
    sys.exit(main())
