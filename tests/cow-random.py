# A guest for tests/cow-random.sh: a seeded random sequence of file
# system operations on the tree at ROOT (create, append, unlink, mkdir,
# rmdir, rename, symlink, chmod, truncate, rmtree, link), then the tree.
# Every result (ok or the errno) and the final state are printed, so a run
# natively on a copy and one in a cow view must print the same text.
import os, random, sys, errno, stat
root, seed, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(seed)
os.chdir(root)
def all_paths():
    out = []
    for r, ds, fs in os.walk("."):
        for x in ds + fs:
            out.append(os.path.join(r, x)[2:])
    return sorted(out)
def newname(): return rnd.choice("abcdefg") + str(rnd.randint(0, 3))
log = []
for i in range(n):
    ps = all_paths()
    dirs = ["."] + [p for p in ps if os.path.isdir(p) and not os.path.islink(p)]
    p = rnd.choice(ps) if ps else "."
    d = rnd.choice(dirs)
    op = rnd.choice(["create", "append", "unlink", "mkdir", "rmdir", "rename", "symlink", "chmod", "truncate", "rmtree", "link"])
    try:
        if op == "create":
            t = os.path.join(d, newname()); open(t, "w").write("c%d\n" % i); r = t
        elif op == "append":
            open(p, "a").write("a%d\n" % i); r = p
        elif op == "unlink":
            os.unlink(p); r = p
        elif op == "mkdir":
            t = os.path.join(d, newname()); os.mkdir(t); r = t
        elif op == "rmdir":
            os.rmdir(p); r = p
        elif op == "rename":
            t = os.path.join(d, newname()); os.rename(p, t); r = p + ">" + t
        elif op == "symlink":
            t = os.path.join(d, newname()); os.symlink(rnd.choice(ps + ["nowhere"]), t); r = t
        elif op == "chmod":
            os.chmod(p, rnd.choice([0o600, 0o644, 0o755, 0o700])); r = p
        elif op == "truncate":
            os.truncate(p, rnd.randint(0, 4)); r = p
        elif op == "rmtree":
            import shutil; shutil.rmtree(p); r = p
        elif op == "link":
            t = os.path.join(d, newname()); os.link(p, t, follow_symlinks=False); r = t
        log.append("%d %s %s ok" % (i, op, r))
    except OSError as e:
        log.append("%d %s %s %s" % (i, op, p, errno.errorcode.get(e.errno)))
for l in log: print(l)
for p in all_paths():
    st = os.lstat(p)
    extra = os.readlink(p) if stat.S_ISLNK(st.st_mode) else (open(p).read().replace("\n", "|") if stat.S_ISREG(st.st_mode) else "")
    print(p, oct(st.st_mode), st.st_size if not stat.S_ISDIR(st.st_mode) else "-", extra)
