# A netlink probe for tests/net-netlink.sh. Prints one line per step.
#   socket PROTO         create a netlink socket of protocol PROTO
#   change HOW TYPE...   send rtnetlink requests (names: RTM_DELADDR, ...)
#                        on a nonexistent interface via HOW (sendto|sendmsg)
#                        and report the send's result and the kernel's ack
# Every change names an interface index that does not exist, so even where
# the kernel is asked, it refuses and nothing on the host changes.
import errno, os, socket, struct, sys

NETLINK_ROUTE = 0
TYPES = {"RTM_GETLINK": 18, "RTM_NEWADDR": 20, "RTM_DELADDR": 21,
         "RTM_GETADDR": 22, "RTM_DELROUTE": 25}
NLM_F_REQUEST, NLM_F_ACK = 1, 4


def err_name(e):
    return errno.errorcode.get(e, str(e))


def missing_index():
    return max(i for i, _ in socket.if_nameindex()) + 1000


def message(kind, seq, index):
    if kind in ("RTM_NEWADDR", "RTM_DELADDR", "RTM_GETADDR"):
        # ifaddrmsg + IFA_LOCAL 192.0.2.1 (TEST-NET-1)
        body = struct.pack("=BBBBI", socket.AF_INET, 32, 0, 0, index)
        body += struct.pack("=HH4s", 8, 2, socket.inet_aton("192.0.2.1"))
    elif kind == "RTM_DELROUTE":
        # rtmsg for 192.0.2.0/24 in main table + RTA_DST + RTA_OIF
        body = struct.pack("=BBBBBBBBI", socket.AF_INET, 24, 0, 0, 254, 0, 0, 0, 0)
        body += struct.pack("=HH4s", 8, 1, socket.inet_aton("192.0.2.0"))
        body += struct.pack("=HHI", 8, 4, index)
    else:
        body = struct.pack("=BBHiII", 0, 0, 0, index, 0, 0)
    flags = NLM_F_REQUEST | NLM_F_ACK
    return struct.pack("=IHHII", 16 + len(body), TYPES[kind], flags, seq, 0) + body


def change(how, kinds):
    index = missing_index()
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
    data = b"".join(message(k, i + 1, index) for i, k in enumerate(kinds))
    try:
        if how == "sendto":
            s.sendto(data, (0, 0))
        else:
            s.sendmsg([data[:20], data[20:]], [], 0, (0, 0))
        print(how, "sent")
    except OSError as e:
        print(how, err_name(e.errno))
    s.setblocking(False)
    acks = []
    try:
        while True:
            reply = s.recv(65536)
            at = 0
            while at + 16 <= len(reply):
                length, rtype = struct.unpack_from("=IH", reply, at)
                if rtype == 2:  # NLMSG_ERROR
                    code = struct.unpack_from("=i", reply, at + 16)[0]
                    acks.append(err_name(-code) if code else "0")
                at += (length + 3) & ~3
                if length < 16:
                    break
    except BlockingIOError:
        pass
    print("acks", " ".join(acks) if acks else "none")


def main():
    if sys.argv[1] == "socket":
        try:
            socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, int(sys.argv[2])).close()
            print("socket", sys.argv[2], "ok")
        except OSError as e:
            print("socket", sys.argv[2], err_name(e.errno))
    else:
        change(sys.argv[2], sys.argv[3:])


main()
