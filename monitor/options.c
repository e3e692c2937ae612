/* The command line. Stable: later issues only add options. */
#include "config.h"
#include "monitor/monitor.h"
#include "syscalls/syscalls.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

enum {
	OPT_ENGINE = 0x100,
	OPT_STATS,
	OPT_SYSCALLS,
	OPT_VERSION,
	OPT_HELP,
	OPT_SAME_CPU,
	OPT_RUNTIME_MOUNTS,
	OPT_DUMP_FILTER,
};

static const struct option long_options[] = {
	{ "module", required_argument, NULL, 'm' },
	{ "bind", required_argument, NULL, 'b' },
	{ "root", required_argument, NULL, 'r' },
	{ "cwd", required_argument, NULL, 'w' },
	{ "root-id", no_argument, NULL, '0' },
	{ "trace", no_argument, NULL, 't' },
	{ "output", required_argument, NULL, 'o' },
	{ "engine", required_argument, NULL, OPT_ENGINE },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "syscalls", optional_argument, NULL, OPT_SYSCALLS },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "same-cpu", no_argument, NULL, OPT_SAME_CPU },
	{ "runtime-mounts", no_argument, NULL, OPT_RUNTIME_MOUNTS },
	{ "dump-filter", required_argument, NULL, OPT_DUMP_FILTER },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *out)
{
	fputs("Usage: umvisor [OPTIONS] [--] PROGRAM [ARGS...]\n"
	      "Run PROGRAM under partial virtualization: the syscalls the loaded\n"
	      "modules want are trapped and served by them; all others run natively.\n"
	      "\n"
	      "  -m, --module NAME[:OPTS]  load module NAME (or a path to NAME.so)\n"
	      "  -b, --bind HOST:GUEST     bind HOST at GUEST (module bind)\n"
	      "  -r, --root DIR            use DIR as the guest's / (module bind)\n"
	      "  -w, --cwd DIR             initial guest working directory (module bind)\n"
	      "  -0, --root-id             fake root identity (module fakeroot)\n"
	      "  -t, --trace               trace syscalls (module trace)\n"
	      "  -o, --output FILE         trace output file (module trace)\n"
	      "      --runtime-mounts      let the guest mount any path module (mount -t\n"
	      "                            umvisor.NAME): traps every path and fd call\n"
	      "      --engine=auto|ptrace  engine (default auto)\n"
	      "      --stats               print stop and ptrace request counts at exit\n"
	      "      --syscalls[=ARCH]     print the syscall table of ARCH and exit\n"
	      "      --same-cpu            run monitor and guest on one CPU\n"
	      "      --dump-filter FILE    write the seccomp program this run loads to FILE\n"
	      "  -v, --verbose             more log lines (repeatable)\n"
	      "  -q, --quiet               errors only\n"
	      "      --version             print the version and exit\n"
	      "      --help                print this help and exit\n"
	      "\n"
	      "Exit status: the program's, or the same signal it died of;\n"
	      "125 monitor error, 126 program not executable, 127 program not found.\n",
	      out);
}

/* Append TEXT to the options of the spec for the built-in module NAME,
 * creating it at the end of the list on first use. */
static int add_to_module(struct mon_options *o, const char *name, const char *text)
{
	struct mon_module_spec *s = NULL;
	char *joined;

	for (size_t i = 0; i < o->nmodules; i++)
		if (strcmp(o->modules[i].name, name) == 0 && strchr(name, '/') == NULL) {
			s = &o->modules[i];
			break;
		}
	if (!s) {
		struct mon_module_spec *grown =
			realloc(o->modules, (o->nmodules + 1) * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		o->modules = grown;
		s = &o->modules[o->nmodules];
		s->name = strdup(name);
		s->options = NULL;
		if (!s->name)
			return -ENOMEM;
		o->nmodules++;
	}
	if (!text)
		return 0;
	if (s->options) {
		if (asprintf(&joined, "%s,%s", s->options, text) < 0)
			return -ENOMEM;
		free(s->options);
	} else {
		joined = strdup(text);
		if (!joined)
			return -ENOMEM;
	}
	s->options = joined;
	return 0;
}

static int add_module_arg(struct mon_options *o, const char *arg)
{
	struct mon_module_spec *grown;
	const char *colon = strchr(arg, ':');
	size_t namelen = colon ? (size_t)(colon - arg) : strlen(arg);

	if (namelen == 0) {
		mon_log(MON_LOG_ERROR, "-m needs a module name (-m NAME[:OPTIONS])");
		return -EINVAL;
	}
	grown = realloc(o->modules, (o->nmodules + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	o->modules = grown;
	grown[o->nmodules].name = strndup(arg, namelen);
	grown[o->nmodules].options = colon ? strdup(colon + 1) : NULL;
	if (!grown[o->nmodules].name || (colon && !grown[o->nmodules].options)) {
		free(grown[o->nmodules].name);
		free(grown[o->nmodules].options);
		return -ENOMEM;
	}
	o->nmodules++;
	return 0;
}

static int add_prefixed(struct mon_options *o, const char *module, const char *key,
			const char *value)
{
	char *text;
	int rc;

	if (asprintf(&text, "%s=%s", key, value) < 0)
		return -ENOMEM;
	rc = add_to_module(o, module, text);
	free(text);
	return rc;
}

static int print_syscalls(const char *archname)
{
	enum sc_arch arch = sc_arch_host();
	int rc;

	if (archname && sc_arch_parse(archname, &arch) < 0) {
		mon_log(MON_LOG_ERROR, "--syscalls: unknown arch '%s' (x86_64, i386, aarch64)",
			archname);
		return -EINVAL;
	}
	rc = sc_table_print(stdout, arch);
	if (rc == -EINVAL)
		mon_log(MON_LOG_ERROR, "--syscalls: no table for arch '%s'", sc_arch_name(arch));
	else if (rc < 0 || fflush(stdout) != 0)
		mon_log(MON_LOG_ERROR, "--syscalls: cannot write the table");
	return rc < 0 ? rc : 0;
}

int mon_options_parse(int argc, char **argv, struct mon_options *o)
{
	int c, rc = 0;

	memset(o, 0, sizeof(*o));
	opterr = 0;
	/* '+': stop at the program name so its own options stay its own. */
	while ((c = getopt_long(argc, argv, "+:m:b:r:w:0to:vq", long_options, NULL)) != -1) {
		switch (c) {
		case 'm':
			rc = add_module_arg(o, optarg);
			break;
		case 'b':
			rc = add_prefixed(o, "bind", "bind", optarg);
			break;
		case 'r':
			rc = add_prefixed(o, "bind", "root", optarg);
			break;
		case 'w':
			rc = add_prefixed(o, "bind", "cwd", optarg);
			break;
		case '0':
			rc = add_to_module(o, "fakeroot", NULL);
			break;
		case 't':
			rc = add_to_module(o, "trace", NULL);
			break;
		case 'o':
			rc = add_prefixed(o, "trace", "out", optarg);
			break;
		case OPT_ENGINE:
			if (strcmp(optarg, "auto") == 0)
				o->engine = MON_ENGINE_AUTO;
			else if (strcmp(optarg, "ptrace") == 0)
				o->engine = MON_ENGINE_PTRACE;
			else {
				mon_log(MON_LOG_ERROR, "--engine: unknown engine '%s' (auto, ptrace)",
					optarg);
				rc = -EINVAL;
			}
			break;
		case OPT_STATS:
			o->stats = true;
			break;
		case OPT_SYSCALLS:
			rc = print_syscalls(optarg);
			if (rc == 0)
				rc = 1;
			break;
		case 'v':
			o->verbosity++;
			break;
		case 'q':
			o->verbosity = -1;
			break;
		case OPT_VERSION:
			printf("umvisor %s\n", PACKAGE_VERSION);
			rc = 1;
			break;
		case OPT_HELP:
			usage(stdout);
			rc = 1;
			break;
		case OPT_SAME_CPU:
			o->same_cpu = true;
			break;
		case OPT_DUMP_FILTER:
			o->dump_filter = optarg;
			break;
		case OPT_RUNTIME_MOUNTS:
			/* bind (alone: / at /) starts the path layer */
			o->runtime_mounts = true;
			rc = add_to_module(o, "bind", NULL);
			break;
		case ':':
			mon_log(MON_LOG_ERROR, "option '%s' needs an argument (try --help)",
				argv[optind - 1]);
			rc = -EINVAL;
			break;
		default:
			if (optopt && optopt < 0x100)
				mon_log(MON_LOG_ERROR, "unknown option '-%c' (try --help)", optopt);
			else
				mon_log(MON_LOG_ERROR, "unknown option '%s' (try --help)",
					argv[optind - 1]);
			rc = -EINVAL;
			break;
		}
		if (rc == -ENOMEM)
			mon_log(MON_LOG_ERROR, "out of memory parsing options");
		if (rc != 0)
			return rc < 0 ? rc : 1;
	}
	if (optind >= argc) {
		mon_log(MON_LOG_ERROR, "no program to run (usage: umvisor [OPTIONS] -- PROGRAM [ARGS...])");
		return -EINVAL;
	}
	o->argv = argv + optind;
	return 0;
}

void mon_options_free(struct mon_options *o)
{
	for (size_t i = 0; i < o->nmodules; i++) {
		free(o->modules[i].name);
		free(o->modules[i].options);
	}
	free(o->modules);
	o->modules = NULL;
	o->nmodules = 0;
}
