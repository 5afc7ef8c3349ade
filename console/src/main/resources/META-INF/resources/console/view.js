// What the console's pages share: light-DOM rendering (one style sheet; plain DOM for the keyboard
// and for tests), loading what they show, and running an action with its outcome shown in place.
import {LitElement, html, nothing} from 'lit';

export class View extends LitElement {
  static properties = {platform: {}, error: {state: true}, message: {state: true}};

  constructor() {
    super();
    this.error = '';
    this.message = '';
  }

  createRenderRoot() {
    return this;
  }

  /** False for a page that loads only when asked to (a button calls reload()). */
  static loadsWhenShown = true;

  connectedCallback() {
    super.connectedCallback();
    if (this.constructor.loadsWhenShown) {
      this.reload();
    }
  }

  /** What the page shows, read anew; a failure is shown in place. */
  async reload() {
    try {
      await this.load();
    } catch (e) {
      this.error = e.message;
    }
  }

  async load() {}

  /** Runs an action, then reloads; says what came of it (done) or why it failed. */
  async act(what, done) {
    this.error = '';
    this.message = '';
    try {
      await what();
      this.message = done || '';
      await this.load();
    } catch (e) {
      this.error = e.message;
    }
  }

  feedback() {
    return html`${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.message ? html`<p class="notice" role="status">${this.message}</p>` : nothing}`;
  }
}
