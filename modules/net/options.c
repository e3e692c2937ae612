/* net module: -m net:KEY=VALUE,... (the key ends at the first '=';
 * repeated keys accumulate). */
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static const struct {
	const char *name;
	int value;
} errnos[] = {
	{ "EACCES", EACCES }, { "EPERM", EPERM }, { "ENETUNREACH", ENETUNREACH },
	{ "EHOSTUNREACH", EHOSTUNREACH }, { "ECONNREFUSED", ECONNREFUSED },
	{ "EAFNOSUPPORT", EAFNOSUPPORT }, { "EADDRNOTAVAIL", EADDRNOTAVAIL },
	{ "ENETDOWN", ENETDOWN }, { "ETIMEDOUT", ETIMEDOUT }, { "ENOSYS", ENOSYS },
};

static int parse_port(const char *text, uint16_t *port)
{
	char *end;
	unsigned long v;

	if (!*text || *text == '-' || *text == '+')
		return -EINVAL;
	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || *end || v == 0 || v > 65535)
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

int net_ep_parse(const char *text, struct net_ep *ep)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon;
	size_t len;

	memset(ep, 0, sizeof(*ep));
	if (*text == '[') {
		const char *close = strchr(text, ']');

		if (!close || close[1] != ':')
			return -EINVAL;
		len = (size_t)(close - text - 1);
		colon = close + 1;
		text++;
		ep->family = AF_INET6;
	} else {
		colon = strrchr(text, ':');
		if (!colon)
			return -EINVAL;
		len = (size_t)(colon - text);
		ep->family = AF_INET;
	}
	if (len == 0 || len >= sizeof(host))
		return -EINVAL;
	memcpy(host, text, len);
	host[len] = '\0';
	if (inet_pton(ep->family, host, ep->addr) != 1)
		return -EINVAL;
	if (ep->family == AF_INET6) {
		static const uint8_t prefix[12] = { [10] = 0xff, [11] = 0xff };

		if (memcmp(ep->addr, prefix, sizeof(prefix)) == 0) {
			ep->family = AF_INET;	/* one spelling per address */
			memmove(ep->addr, ep->addr + 12, 4);
			memset(ep->addr + 4, 0, 12);
		}
	}
	return parse_port(colon + 1, &ep->port);
}

static int add_map(struct umv_mod *mod, struct net_conf *conf, const char *value)
{
	char guest[8];
	const char *colon = strchr(value, ':');
	struct net_map m, *grown;

	if (!colon || (size_t)(colon - value) >= sizeof(guest))
		goto bad;
	memcpy(guest, value, (size_t)(colon - value));
	guest[colon - value] = '\0';
	if (parse_port(guest, &m.guest) < 0 || parse_port(colon + 1, &m.host) < 0)
		goto bad;
	for (size_t i = 0; i < conf->nmaps; i++)
		if (conf->maps[i].guest == m.guest || conf->maps[i].host == m.host) {
			umv_log(mod, UMV_LOG_ERROR, "map=%s: port already mapped", value);
			return -EINVAL;
		}
	if (!(grown = realloc(conf->maps, (conf->nmaps + 1) * sizeof(*grown))))
		return -ENOMEM;
	conf->maps = grown;
	conf->maps[conf->nmaps++] = m;
	return 0;
bad:
	umv_log(mod, UMV_LOG_ERROR, "map=%s: expected GUESTPORT:HOSTPORT (1-65535)", value);
	return -EINVAL;
}

static int add_redirect(struct umv_mod *mod, struct net_conf *conf, const char *value)
{
	const char *eq = strchr(value, '=');
	char from[INET6_ADDRSTRLEN + 16];
	struct net_redirect r, *grown;

	if (!eq || (size_t)(eq - value) >= sizeof(from))
		goto bad;
	memcpy(from, value, (size_t)(eq - value));
	from[eq - value] = '\0';
	if (net_ep_parse(from, &r.from) < 0 || net_ep_parse(eq + 1, &r.to) < 0)
		goto bad;
	if (r.from.family != r.to.family) {
		umv_log(mod, UMV_LOG_ERROR, "redirect=%s: both addresses must be IPv4 or both IPv6", value);
		return -EINVAL;
	}
	if (!(grown = realloc(conf->redirects, (conf->nredirects + 1) * sizeof(*grown))))
		return -ENOMEM;
	conf->redirects = grown;
	conf->redirects[conf->nredirects++] = r;
	return 0;
bad:
	umv_log(mod, UMV_LOG_ERROR, "redirect=%s: expected ADDR:PORT=ADDR:PORT ([v6]:PORT for IPv6)", value);
	return -EINVAL;
}

static int parse_errno(struct umv_mod *mod, struct net_conf *conf, const char *value)
{
	for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (strcmp(value, errnos[i].name) == 0) {
			conf->err = errnos[i].value;
			return 0;
		}
	umv_log(mod, UMV_LOG_ERROR, "errno=%s: unknown (EACCES, EPERM, ENETUNREACH, EHOSTUNREACH, ECONNREFUSED, EAFNOSUPPORT, EADDRNOTAVAIL, ENETDOWN, ETIMEDOUT, ENOSYS)", value);
	return -EINVAL;
}

static int one_option(struct umv_mod *mod, struct net_conf *conf, char *item)
{
	char *eq = strchr(item, '=');
	const char *value = eq ? eq + 1 : NULL;

	if (eq)
		*eq = '\0';
	if (strcmp(item, "log") == 0 && !value) {
		conf->log = true;
		return 0;
	}
	if (!value || !*value) {
		umv_log(mod, UMV_LOG_ERROR, "option '%s' %s (policy=, errno=, map=, redirect=, hosts=, log)",
			item, value ? "needs a value" : "unknown");
		return -EINVAL;
	}
	if (strcmp(item, "policy") == 0) {
		if (strcmp(value, "allow") == 0)
			conf->policy = NET_ALLOW;
		else if (strcmp(value, "loopback") == 0)
			conf->policy = NET_LOOPBACK;
		else if (strcmp(value, "deny") == 0)
			conf->policy = NET_DENY;
		else {
			umv_log(mod, UMV_LOG_ERROR, "policy=%s: expected allow, loopback or deny", value);
			return -EINVAL;
		}
		return 0;
	}
	if (strcmp(item, "errno") == 0)
		return parse_errno(mod, conf, value);
	if (strcmp(item, "map") == 0)
		return add_map(mod, conf, value);
	if (strcmp(item, "redirect") == 0)
		return add_redirect(mod, conf, value);
	if (strcmp(item, "hosts") == 0) {
		char *copy = strdup(value);

		if (!copy)
			return -ENOMEM;
		free(conf->hosts);
		conf->hosts = copy;
		return 0;
	}
	umv_log(mod, UMV_LOG_ERROR, "unknown option '%s' (policy=, errno=, map=, redirect=, hosts=, log)", item);
	return -EINVAL;
}

int net_conf_parse(struct umv_mod *mod, struct net_conf *conf, const char *options)
{
	char *copy, *save = NULL;
	int rc = 0;

	conf->err = EACCES;
	if (!options || !*options)
		return 0;
	if (!(copy = strdup(options)))
		return -ENOMEM;
	for (char *item = strtok_r(copy, ",", &save); item && rc == 0; item = strtok_r(NULL, ",", &save))
		rc = one_option(mod, conf, item);
	free(copy);
	return rc;
}

void net_conf_free(struct net_conf *conf)
{
	free(conf->maps);
	free(conf->redirects);
	free(conf->hosts);
	free(conf->local);
	memset(conf, 0, sizeof(*conf));
}
