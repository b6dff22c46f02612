vcl 4.1;
# Varnish 7 in front of the clinic platform's app servers (README "Page cache and edge cache").
#
# Caches anonymous GETs and HEADs per host and URL, for as long as the app's Cache-Control says (s-maxage: only
# public answers without a cookie are kept). Passes the admin, the form-token endpoint, health checks, POSTs and
# every request that carries a session or messages cookie (signed-in staff, a visitor who gave a page password).
# Other cookies (the CSRF cookie) are dropped from cached requests: a public page never depends on them.
#
# Purges: the app sends PURGE for a path (every query string of it is dropped: all message page numbers) or, with
# `X-Purge-Scope: site`, for everything of a host. Only the addresses in the `purgers` ACL may purge.
import std;

# One backend per app server; with several, add them to a directors round-robin (README).
backend app {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 60s;
}

# The app servers' addresses: only they may purge.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    # Hostnames are case-insensitive and a port says nothing about the clinic: one key per clinic host.
    set req.http.X-Cache-Host = std.tolower(regsub(req.http.host, ":[0-9]+$", ""));

    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (req.http.X-Purge-Scope == "site") {
            ban("obj.http.X-Cache-Host == " + req.http.X-Cache-Host);
        } else {
            ban("obj.http.X-Cache-Host == " + req.http.X-Cache-Host +
                " && obj.http.X-Cache-Path == " + regsub(req.url, "\?.*$", ""));
        }
        return (synth(200, "Purged"));
    }
    if (req.method == "BAN") {
        return (synth(405, "Method not allowed"));
    }

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/(admin|_form-tokens|healthz)(/|\?|$)") {
        return (pass);
    }
    if (req.http.Authorization || req.http.Cookie ~ "(^|;\s*)(sessionid|messages)=") {
        return (pass);
    }
    unset req.http.Cookie;
    return (hash);
}

sub vcl_hash {
    hash_data(req.http.X-Cache-Host);
    hash_data(req.url);
    return (lookup);
}

sub vcl_backend_response {
    # Kept on the stored object so that purges can find it (bans on obj.* only: the ban lurker clears them).
    set beresp.http.X-Cache-Host = bereq.http.X-Cache-Host;
    set beresp.http.X-Cache-Path = regsub(bereq.url, "\?.*$", "");
    if (beresp.http.Set-Cookie || beresp.http.Cache-Control !~ "public" ||
        beresp.http.Cache-Control ~ "(private|no-store|no-cache)") {
        # Never stored; remembered for two minutes as "do not wait for another request to fetch this".
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    return (deliver);
}

sub vcl_deliver {
    unset resp.http.X-Cache-Host;
    unset resp.http.X-Cache-Path;
    if (obj.hits > 0) {
        set resp.http.X-Edge-Cache = "hit";
    } else {
        set resp.http.X-Edge-Cache = "miss";
    }
}
