package org.iocsync.web;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Keeps the latest log lines of IOC Sync itself in memory, for the page's log panel. */
@Singleton
final class LogBuffer extends AppenderBase<ILoggingEvent> {
  static final int CAPACITY = 200;

  /** One log line. */
  record Line(String at, String level, String logger, String message) {}

  private final Deque<Line> lines = new ArrayDeque<>();

  @Inject
  LogBuffer() {
    setName("ioc-sync-web-log-buffer");
  }

  /** Starts collecting the lines of {@code org.iocsync} loggers at INFO and above. */
  void attach() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    setContext(context);
    start();
    Logger logger = context.getLogger("org.iocsync");
    if (logger.getLevel() == null || !logger.getLevel().isGreaterOrEqual(Level.INFO)) {
      logger.setLevel(Level.INFO);
    }
    logger.addAppender(this);
  }

  void detach() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.getLogger("org.iocsync").detachAppender(this);
    }
    stop();
  }

  @Override
  protected synchronized void append(ILoggingEvent event) {
    if (!event.getLevel().isGreaterOrEqual(Level.INFO)) {
      return;
    }
    String logger = event.getLoggerName();
    lines.addLast(
        new Line(
            Instant.ofEpochMilli(event.getTimeStamp()).toString(),
            event.getLevel().toString(),
            logger.substring(logger.lastIndexOf('.') + 1),
            event.getFormattedMessage()));
    while (lines.size() > CAPACITY) {
      lines.removeFirst();
    }
  }

  /** The latest {@code limit} lines, oldest first. */
  synchronized List<Line> latest(int limit) {
    List<Line> all = new ArrayList<>(lines);
    return all.subList(Math.max(0, all.size() - limit), all.size());
  }
}
