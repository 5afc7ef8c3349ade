package org.otplatform.auth.password;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * PBKDF2-HMAC-SHA256 with a 16-byte random salt per password, stored as
 * {@code pbkdf2-sha256$<iterations>$<salt>$<hash>} so the cost can be raised later without
 * invalidating stored hashes. Blocking and slow by design: call it off the event loop.
 */
public final class PasswordHasher {
  private static final String PREFIX = "pbkdf2-sha256";
  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;
  private final int iterations;
  private final SecureRandom random = new SecureRandom();
  private final String dummyHash;

  public PasswordHasher(int iterations) {
    this.iterations = iterations;
    this.dummyHash = hash("not-a-real-password-" + random.nextLong());
  }

  public String hash(String password) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    byte[] hash = pbkdf2(password, salt, iterations);
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return PREFIX + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
  }

  /** Constant-time check of a password against a stored hash; false for a malformed hash. */
  public boolean verify(String password, String stored) {
    String[] parts = stored == null ? new String[0] : stored.split("\\$");
    if (parts.length != 4 || !parts[0].equals(PREFIX)) {
      return false;
    }
    try {
      int n = Integer.parseInt(parts[1]);
      byte[] salt = Base64.getDecoder().decode(parts[2]);
      byte[] expected = Base64.getDecoder().decode(parts[3]);
      return MessageDigest.isEqual(expected, pbkdf2(password, salt, n));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Burns the same time as a real check, for logins of unknown users, so that response times do
   * not tell which usernames exist.
   */
  public void verifyDummy(String password) {
    verify(password, dummyHash);
  }

  private static byte[] pbkdf2(String password, byte[] salt, int iterations) {
    try {
      PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BITS);
      try {
        return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
      } finally {
        spec.clearPassword();
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable", e);
    }
  }
}
