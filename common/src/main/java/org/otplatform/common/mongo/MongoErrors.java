package org.otplatform.common.mongo;

/** Recognises MongoDB errors by their code. */
public final class MongoErrors {
  private MongoErrors() {}

  /** A unique index rejected a write (E11000). */
  public static boolean isDuplicate(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof com.mongodb.MongoWriteException w && w.getCode() == 11000) {
        return true;
      }
      if (String.valueOf(t.getMessage()).contains("E11000")) {
        return true;
      }
    }
    return false;
  }
}
