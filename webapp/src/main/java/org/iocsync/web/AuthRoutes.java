package org.iocsync.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Setting the first admin password, logging in and out. */
final class AuthRoutes implements Routes {
  static final int MIN_PASSWORD_LENGTH = 12;

  private static final Logger LOG = LoggerFactory.getLogger(AuthRoutes.class);

  private final WebSettings settings;
  private final SecurityFilter security;
  private final AdminPassword password;
  private final LoginThrottle throttle;
  private final SetupCode setupCode;

  @Inject
  AuthRoutes(
      WebSettings settings,
      SecurityFilter security,
      AdminPassword password,
      LoginThrottle throttle,
      SetupCode setupCode) {
    this.settings = settings;
    this.security = security;
    this.password = password;
    this.throttle = throttle;
    this.setupCode = setupCode;
  }

  @Override
  public void addTo(RoutesConfig routes) {
    routes.get("/login", this::loginForm);
    routes.post("/login", this::login);
    routes.get("/setup", this::setupForm);
    routes.post("/setup", this::setup);
    routes.post("/logout", this::logout);
  }

  private void loginForm(Context ctx) {
    if (redirectedElsewhere(ctx)) {
      return;
    }
    ctx.html(loginPage(ctx, security.sessionOrAnonymous(ctx), ""));
  }

  private void login(Context ctx) {
    if (redirectedElsewhere(ctx)) {
      return;
    }
    String address = ctx.ip();
    Optional<String> throttled = throttled(ctx);
    if (throttled.isPresent()) {
      ctx.html(loginPage(ctx, security.sessionOrAnonymous(ctx), throttled.get()));
      return;
    }

    char[] typed = field(ctx, "password").toCharArray();
    try {
      if (!password.matches(typed)) {
        throttle.failed(address);
        LOG.warn("Failed admin login from {}", address);
        ctx.status(HttpStatus.UNAUTHORIZED);
        ctx.html(loginPage(ctx, security.sessionOrAnonymous(ctx), "Wrong password."));
        return;
      }
    } finally {
      Arrays.fill(typed, '\0');
    }
    throttle.succeeded(address);
    security.logIn(ctx);
    LOG.info("Admin logged in from {}", address);
    ctx.redirect(RelativePaths.root(ctx), HttpStatus.SEE_OTHER);
  }

  private void setupForm(Context ctx) {
    if (redirectedElsewhere(ctx)) {
      return;
    }
    ctx.html(setupPage(ctx, security.sessionOrAnonymous(ctx), "", ""));
  }

  private void setup(Context ctx) {
    if (redirectedElsewhere(ctx)) {
      return;
    }
    Optional<String> throttled = throttled(ctx);
    if (throttled.isPresent()) {
      ctx.html(setupPage(ctx, security.sessionOrAnonymous(ctx), throttled.get(), ""));
      return;
    }
    String code = field(ctx, "code");
    String first = field(ctx, "password");
    String second = field(ctx, "confirm");
    String codeError = setupCode.matches(code) ? "" : "Wrong setup code: copy it from the console.";
    String passwordError = "";
    if (first.length() < MIN_PASSWORD_LENGTH) {
      passwordError = "Use at least " + MIN_PASSWORD_LENGTH + " characters.";
    } else if (!first.equals(second)) {
      passwordError = "The two passwords differ.";
    }
    if (!codeError.isEmpty() || !passwordError.isEmpty()) {
      if (!codeError.isEmpty()) {
        throttle.failed(ctx.ip());
      }
      ctx.status(HttpStatus.BAD_REQUEST);
      ctx.html(setupPage(ctx, security.sessionOrAnonymous(ctx), codeError, passwordError));
      return;
    }

    password.setFirst(first.toCharArray());
    security.logIn(ctx);
    LOG.info("Admin password set from {}", ctx.ip());
    ctx.redirect(RelativePaths.root(ctx), HttpStatus.SEE_OTHER);
  }

  /** Answers 429 and says how long to wait when the address has failed too often. */
  private Optional<String> throttled(Context ctx) {
    Optional<Duration> wait = throttle.waitFor(ctx.ip());
    if (wait.isEmpty()) {
      return Optional.empty();
    }
    long seconds = Math.max(1, wait.get().toSeconds());
    ctx.status(HttpStatus.TOO_MANY_REQUESTS);
    ctx.header("Retry-After", Long.toString(seconds));
    return Optional.of(
        "Too many failed attempts: try again in " + (seconds + 59) / 60 + " minute(s).");
  }

  private void logout(Context ctx) {
    security.logOut(ctx);
    ctx.redirect(RelativePaths.to(ctx, settings.qradarApp() ? "" : "login"), HttpStatus.SEE_OTHER);
  }

  /**
   * Sends the visitor where they belong when this page is not for them: to the app once logged in
   * (or inside QRadar, where the console authenticates), to the setup before any password exists,
   * to the login after.
   */
  private boolean redirectedElsewhere(Context ctx) {
    @Nullable String target;
    boolean loggedIn = security.session(ctx).map(Session::authenticated).orElse(false);
    if (settings.qradarApp() || loggedIn) {
      target = "";
    } else if (!password.isSet()) {
      target = ctx.path().equals("/setup") ? null : "setup";
    } else {
      target = ctx.path().equals("/login") ? null : "login";
    }
    if (target == null) {
      return false;
    }
    ctx.redirect(RelativePaths.to(ctx, target), HttpStatus.SEE_OTHER);
    return true;
  }

  private String loginPage(Context ctx, Session session, String error) {
    String body =
        """
        <section class="card narrow">
        <h2>Log in</h2>
        <form method="post" action="login">
        %s
        <label for="password">Admin password</label>
        <input type="password" id="password" name="password" autocomplete="current-password"
         required autofocus>
        %s
        <button type="submit">Log in</button>
        </form>
        </section>
        """
            .formatted(Layout.csrfField(session), Layout.fieldError("password", error));
    return Layout.page(ctx, "Log in", body);
  }

  private String setupPage(Context ctx, Session session, String codeError, String passwordError) {
    String body =
        """
        <section class="card narrow">
        <h2>Set the admin password</h2>
        <p>This server has no admin password yet. Type the setup code printed on the console
        where it was started, then choose a password of at least %d characters.</p>
        <form method="post" action="setup">
        %s
        <label for="code">Setup code</label>
        <input type="text" id="code" name="code" autocomplete="off" required autofocus>
        %s
        <label for="password">New password</label>
        <input type="password" id="password" name="password" autocomplete="new-password"
         minlength="%d" required>
        <label for="confirm">Repeat it</label>
        <input type="password" id="confirm" name="confirm" autocomplete="new-password"
         minlength="%d" required>
        %s
        <button type="submit">Set password</button>
        </form>
        </section>
        """
            .formatted(
                MIN_PASSWORD_LENGTH,
                Layout.csrfField(session),
                Layout.fieldError("code", codeError),
                MIN_PASSWORD_LENGTH,
                MIN_PASSWORD_LENGTH,
                Layout.fieldError("password", passwordError));
    return Layout.page(ctx, "Set the admin password", body);
  }

  private static String field(Context ctx, String name) {
    String value = ctx.formParam(name);
    return value == null ? "" : value;
  }
}
