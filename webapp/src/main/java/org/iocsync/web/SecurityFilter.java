package org.iocsync.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import io.javalin.http.UnauthorizedResponse;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.Set;

/**
 * Guards every request: security headers, the session cookie, login, and the CSRF token on every
 * state-changing request. Forms send the token in a {@code csrf} field, scripts in the {@code
 * X-CSRF-Token} header.
 */
@Singleton
final class SecurityFilter {
  static final String CSRF_HEADER = "X-CSRF-Token";
  static final String CSRF_FIELD = "csrf";

  private static final String SESSION_ATTRIBUTE = "ioc-sync.session";
  private static final Set<HandlerType> SAFE_METHODS =
      Set.of(HandlerType.GET, HandlerType.HEAD, HandlerType.OPTIONS);

  private final WebSettings settings;
  private final Sessions sessions;
  private final String contentSecurityPolicy;

  @Inject
  SecurityFilter(WebSettings settings, Sessions sessions) {
    this.settings = settings;
    this.sessions = sessions;
    this.contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors "
            + frameAncestors(settings);
  }

  void addTo(RoutesConfig routes) {
    routes.before(this::guard);
  }

  private void guard(Context ctx) {
    addHeaders(ctx);
    String path = ctx.path();
    if (path.equals("/debug")) {
      return;
    }

    Optional<Session> session = existingSession(ctx);
    if (session.isEmpty() && settings.qradarApp() && !path.startsWith("/static/")) {
      // QRadar's console has authenticated the user before proxying the request to the app.
      session = Optional.of(startSession(ctx, true));
    }
    session.ifPresent(s -> ctx.attribute(SESSION_ATTRIBUTE, s));

    boolean open = path.equals("/login") || path.equals("/setup") || path.startsWith("/static/");
    if (!open && !session.map(Session::authenticated).orElse(false)) {
      if (isApi(ctx)) {
        throw new UnauthorizedResponse("Log in first: this call needs a session");
      }
      ctx.redirect(RelativePaths.to(ctx, "login"), HttpStatus.SEE_OTHER);
      ctx.skipRemainingHandlers();
      return;
    }

    if (!SAFE_METHODS.contains(ctx.method())) {
      checkCsrf(ctx, session);
    }
  }

  private void checkCsrf(Context ctx, Optional<Session> session) {
    if (session.isEmpty()) {
      throw new ForbiddenResponse("No session: reload the page and try again");
    }
    String token = ctx.header(CSRF_HEADER);
    if (token == null && (ctx.isFormUrlencoded() || ctx.isMultipartFormData())) {
      token = ctx.formParam(CSRF_FIELD);
    }
    if (token == null || !PasswordHasher.constantTimeEquals(token, session.get().csrfToken())) {
      throw new ForbiddenResponse("Missing or wrong CSRF token: reload the page and try again");
    }
  }

  /** The request's session, if it has a live one. */
  Optional<Session> session(Context ctx) {
    return Optional.ofNullable(ctx.attribute(SESSION_ATTRIBUTE));
  }

  /** The request's session, or a new anonymous one whose cookie goes out with the answer. */
  Session sessionOrAnonymous(Context ctx) {
    return session(ctx).orElseGet(() -> startSession(ctx, false));
  }

  /**
   * Ends the request's session and starts a logged-in one under a new id, so that an id known
   * before the login (session fixation) is worth nothing after it.
   */
  Session logIn(Context ctx) {
    session(ctx).ifPresent(old -> sessions.invalidate(old.id()));
    return startSession(ctx, true);
  }

  void logOut(Context ctx) {
    session(ctx).ifPresent(old -> sessions.invalidate(old.id()));
    ctx.attribute(SESSION_ATTRIBUTE, null);
    ctx.res()
        .addHeader(
            "Set-Cookie",
            settings.sessionCookieName()
                + "=; Path="
                + settings.cookiePath()
                + "; Max-Age=0; HttpOnly; SameSite=Strict"
                + (secure(ctx) ? "; Secure" : ""));
  }

  private Session startSession(Context ctx, boolean authenticated) {
    Session session = sessions.create(authenticated);
    ctx.attribute(SESSION_ATTRIBUTE, session);
    ctx.res()
        .addHeader(
            "Set-Cookie",
            settings.sessionCookieName()
                + '='
                + session.id()
                + "; Path="
                + settings.cookiePath()
                + "; HttpOnly; SameSite=Strict"
                + (secure(ctx) ? "; Secure" : ""));
    return session;
  }

  private Optional<Session> existingSession(Context ctx) {
    String id = ctx.cookie(settings.sessionCookieName());
    return id == null || id.isEmpty() ? Optional.empty() : sessions.find(id);
  }

  private boolean secure(Context ctx) {
    return ctx.scheme().equals("https")
        || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"))
        || settings.qradarApp();
  }

  private void addHeaders(Context ctx) {
    ctx.header("Content-Security-Policy", contentSecurityPolicy);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("Cache-Control", "no-store");
    if (!settings.qradarApp()) {
      ctx.header("X-Frame-Options", "DENY");
    }
  }

  static boolean isApi(Context ctx) {
    return ctx.path().startsWith("/api/");
  }

  private static String frameAncestors(WebSettings settings) {
    if (!settings.qradarApp()) {
      return "'none'";
    }
    String console = settings.consoleHost();
    return console == null ? "'self'" : "'self' https://" + console;
  }
}
