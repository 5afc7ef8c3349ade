package org.otplatform.auth.token;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals signing keys' private halves at rest: AES-256-GCM under a key-encryption key that is not
 * in the database ({@code OT_AUTH_KEY_ENCRYPTION_KEY}: from a Secret in a cluster, a file of the
 * data directory in embedded mode), with the key id as associated data, so a reader of AUTH's
 * database cannot mint tokens and a sealed key cannot be passed off under another id.
 */
public final class KeyEncryption {
  /** Stores private keys as they are (no key-encryption key configured). */
  public static final KeyEncryption NONE = new KeyEncryption(null);
  private static final String VERSION = "v1:";
  private static final int KEY_BYTES = 32;
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;

  private KeyEncryption(byte[] key) {
    this.key = key == null ? null : new SecretKeySpec(key, "AES");
  }

  /** From the base64 of 32 bytes; an {@link IllegalArgumentException} names what is wrong. */
  public static KeyEncryption fromBase64(String value) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(value.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("must be base64");
    }
    if (bytes.length != KEY_BYTES) {
      throw new IllegalArgumentException("must be the base64 of " + KEY_BYTES + " random bytes, got " + bytes.length);
    }
    return new KeyEncryption(bytes);
  }

  /** A fresh random key-encryption key, as base64. */
  public static String generate() {
    byte[] bytes = new byte[KEY_BYTES];
    RANDOM.nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  public boolean enabled() {
    return key != null;
  }

  /** The sealed form of {@code secret}, bound to {@code kid}. */
  public String seal(String secret, String kid) {
    try {
      byte[] iv = new byte[IV_BYTES];
      RANDOM.nextBytes(iv);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
      cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[IV_BYTES + sealed.length];
      System.arraycopy(iv, 0, out, 0, IV_BYTES);
      System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
      return VERSION + Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot seal signing key " + kid, e);
    }
  }

  /** The secret {@link #seal} sealed for {@code kid}; fails when the key or the id is not the one it was sealed with. */
  public String open(String sealed, String kid) {
    if (!sealed.startsWith(VERSION)) {
      throw new IllegalStateException("signing key " + kid + " is sealed in an unknown format");
    }
    try {
      byte[] in = Base64.getDecoder().decode(sealed.substring(VERSION.length()));
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
      cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
      return new String(cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("cannot open signing key " + kid
          + ": OT_AUTH_KEY_ENCRYPTION_KEY is not the key it was sealed with");
    }
  }

  @Override
  public String toString() {
    return enabled() ? "KeyEncryption[AES-256-GCM]" : "KeyEncryption[none]";
  }
}
