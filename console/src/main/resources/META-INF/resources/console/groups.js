// Groups: the user's (an admin sees all), their members; create, rename, delete, add and remove
// members (owners and admins). Projects are shared with groups from the Projects page.
import {html, nothing} from 'lit';
import {View} from './view.js';

class OtGroups extends View {
  static properties = {...View.properties, groups: {state: true}, open: {state: true}};

  constructor() {
    super();
    this.groups = null;
    this.open = null;
  }

  group(name) {
    return this.platform.auth(`/api/v1/groups/${encodeURIComponent(name)}`);
  }

  async load() {
    this.groups = (await this.platform.json('GET', this.platform.auth('/api/v1/groups'))).groups;
    if (this.open) {
      this.open = await this.platform.json('GET', this.group(this.open.name));
    }
  }

  show(name) {
    this.act(async () => {
      this.open = await this.platform.json('GET', this.group(name));
    });
  }

  create(e) {
    e.preventDefault();
    const name = new FormData(e.target).get('name');
    this.act(async () => {
      await this.platform.json('POST', this.platform.auth('/api/v1/groups'), {name});
      e.target.reset();
    });
  }

  rename(g) {
    const name = prompt(`New name of ${g.name}`, g.name);
    if (name && name !== g.name) {
      this.act(async () => {
        this.open = await this.platform.json('PATCH', this.group(g.name), {name});
      });
    }
  }

  deleteGroup(g) {
    if (confirm(`Delete group ${g.name} and its project grants?`)) {
      this.act(async () => {
        await this.platform.json('DELETE', this.group(g.name));
        this.open = null;
      });
    }
  }

  addMember(e) {
    e.preventDefault();
    const user = new FormData(e.target).get('username');
    this.act(async () => {
      await this.platform.json('PUT', `${this.group(this.open.name)}/members/${encodeURIComponent(user)}`);
      e.target.reset();
    });
  }

  removeMember(user) {
    this.act(() => this.platform.json('DELETE',
      `${this.group(this.open.name)}/members/${encodeURIComponent(user)}`));
  }

  render() {
    const g = this.open;
    const mayChange = g && (this.platform.isAdmin || g.ownerId === this.platform.user.id);
    return html`
      <h1>Groups</h1>
      <form id="new-group" class="inline" @submit=${this.create}>
        <label>New group <input name="name" required maxlength="64"></label>
        <button type="submit">Create</button>
      </form>
      ${this.feedback()}
      ${this.groups === null ? html`<p class="loading">Loading…</p>` : html`
        <table id="groups">
          <thead><tr><th>Group</th><th>Owner</th><th></th></tr></thead>
          <tbody>${this.groups.map((x) => html`
            <tr data-group=${x.name}><td>${x.name}</td><td>${x.owner || ''}</td>
              <td class="actions"><button @click=${() => this.show(x.name)}>Members</button></td></tr>`)}
          </tbody>
        </table>`}
      ${g ? html`
        <section id="group" aria-label="Group ${g.name}">
          <h2>${g.name}</h2>
          ${mayChange ? html`<p class="actions">
            <button @click=${() => this.rename(g)}>Rename</button>
            <button class="danger" @click=${() => this.deleteGroup(g)}>Delete</button></p>` : nothing}
          <ul id="members">${(g.members || []).map((m) => html`
            <li data-member=${m}>${m}
              ${mayChange ? html`<button @click=${() => this.removeMember(m)}>Remove</button>` : nothing}</li>`)}
          </ul>
          ${mayChange ? html`<form id="add-member" class="inline" @submit=${this.addMember}>
            <label>Add member <input name="username" required maxlength="64"></label>
            <button type="submit">Add</button></form>` : nothing}
        </section>` : nothing}`;
  }
}

customElements.define('ot-groups', OtGroups);
