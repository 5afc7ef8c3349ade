package org.otplatform.console;

import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The browser console, served by the GSS: {@code /console/} (ES modules, no build step) and the
 * WebJars it imports under {@code /webjars/}; {@code /} redirects to it. It is a client of the
 * platform's public APIs only — the GSS here, and AUTH, the relay and the logger at the public
 * URLs {@code /api/v1/info} names — so its Content-Security-Policy allows scripts from this origin
 * and the import map's hash, and connections to exactly those origins.
 */
public final class Console {
  /** Where the console's files are on the class path. */
  static final String ROOT = "META-INF/resources/console";
  private static final Pattern IMPORT_MAP = Pattern.compile("<script type=\"importmap\">(.*?)</script>",
      Pattern.DOTALL);

  private Console() {}

  /**
   * Adds the console's routes to {@code router}; {@code publicUrls} are the platform's parts as
   * front ends reach them (AUTH, relay, logger), which the policy lets the page connect to.
   */
  public static void mount(Router router, List<URI> publicUrls) {
    Handler<RoutingContext> policy = policy(contentSecurityPolicy(publicUrls));
    router.get("/").handler(ctx -> ctx.redirect("/console/"));
    router.getWithRegex("^/console$").handler(ctx -> ctx.redirect("/console/"));
    router.get("/console/*").handler(policy).handler(StaticHandler.create(ROOT).setCachingEnabled(false)
        .setIndexPage("index.html").setDefaultContentEncoding("UTF-8"));
    router.get("/webjars/*").handler(policy).handler(StaticHandler.create("META-INF/resources/webjars")
        .setMaxAgeSeconds(86_400).setDefaultContentEncoding("UTF-8"));
  }

  /** Replaces the services' API policy ({@code default-src 'none'}) with the page's, and lets the page be cached briefly. */
  private static Handler<RoutingContext> policy(String csp) {
    return ctx -> {
      ctx.response().putHeader("Content-Security-Policy", csp);
      ctx.response().headers().remove("Cache-Control");
      ctx.next();
    };
  }

  /**
   * Scripts from this origin and the inline import map (by its hash), styles from this origin,
   * images from here and {@code data:} (charts export), connections to this origin and the
   * platform's public URLs (with their WebSocket forms), nothing framed, no plugins.
   */
  static String contentSecurityPolicy(List<URI> publicUrls) {
    Set<String> connect = new LinkedHashSet<>(List.of("'self'"));
    for (URI url : publicUrls) {
      if (url == null || url.getScheme() == null || url.getAuthority() == null) {
        continue;
      }
      String scheme = url.getScheme();
      connect.add(scheme + "://" + url.getAuthority());
      if (scheme.equals("http") || scheme.equals("https")) {
        connect.add((scheme.equals("https") ? "wss" : "ws") + "://" + url.getAuthority());
      } else if (scheme.equals("ws") || scheme.equals("wss")) {
        connect.add((scheme.equals("wss") ? "https" : "http") + "://" + url.getAuthority());
      }
    }
    return "default-src 'none'; script-src 'self' '" + importMapHash() + "'; style-src 'self'; img-src 'self' data:; "
        + "font-src 'self'; connect-src " + String.join(" ", connect) + "; base-uri 'none'; form-action 'self'; "
        + "frame-ancestors 'none'";
  }

  /** The CSP source of index.html's import map: {@code sha256-} and the base64 of its SHA-256. */
  static String importMapHash() {
    try (InputStream in = Console.class.getClassLoader().getResourceAsStream(ROOT + "/index.html")) {
      if (in == null) {
        throw new IllegalStateException(ROOT + "/index.html is not on the class path");
      }
      Matcher m = IMPORT_MAP.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      if (!m.find()) {
        throw new IllegalStateException(ROOT + "/index.html has no import map");
      }
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(m.group(1).getBytes(StandardCharsets.UTF_8));
      return "sha256-" + Base64.getEncoder().encodeToString(digest);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
