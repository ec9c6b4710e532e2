/**
 * What the LHÉO reader holds in memory at once, bounded. saxes buffers a text node, a CDATA
 * section, a comment, a tag with its attributes, a processing instruction or a declaration whole
 * before it emits it: 300 MB of any of them in a row took the import CLI out of memory (V8) and the
 * server to 1.5 GB. So the decoded text is scanned by the small state machine below *before* it is
 * written to saxes, and a run longer than its bound refuses the file while saxes holds at most that
 * bound (plus nothing: the chunk that crosses it is not written).
 *
 * Measured on the real Intercarif records in /work/shared/data/lheo/samples (3 files, 800 elements):
 * depth 10, longest text 297 characters, longest tag 298 characters, 5 attributes at most, longest
 * attribute value 147 characters (a URL), no comment, no CDATA, one formation of 29 KB (2 actions).
 * LHÉO 2.3 itself caps its longest texts at 3,000 characters (lgmax of <contenu-formation> …) and
 * defines 10 common attributes. Every bound below is 10 to 3,000 times what a real feed uses.
 */
export const READER_LIMITS = {
  /** Elements open at once (samples: 10). */
  depth: 100,
  /** Characters of text between two tags, as written (entities not yet expanded) (samples: 297). */
  textRun: 1_000_000,
  /** Characters of one CDATA section (samples: none; LHÉO texts: 3,000 at most). */
  cdata: 1_000_000,
  /** Characters of one comment (samples: none). */
  comment: 100_000,
  /** Characters of one tag with its attributes, one processing instruction or declaration (samples: 298). */
  markup: 100_000,
  /** Attributes on one element (samples: 5; LHÉO defines 10 plus namespace declarations). */
  attributes: 100,
  /** Characters of one attribute value (samples: 147). */
  attributeValue: 10_000,
  /** Characters of text kept for one element of a formation (LHÉO: 3,000 at most). */
  elementText: 100_000,
  /** Elements of one <formation> (samples: 424 for 2 actions; a formation with 100 actions stays far below). */
  formationNodes: 50_000,
  /**
   * Characters of text and attributes kept for one <formation> (samples: 29,000 for 2 actions, so a
   * formation of 100 actions, more than any real one, about 1.5 million).
   */
  formationChars: 2_000_000,
} as const;

export type RunKind = 'text' | 'markup' | 'comment' | 'cdata' | 'instruction' | 'declaration';

export interface Overrun {
  kind: RunKind;
  limit: number;
  /** Where the run starts in the chunk just scanned; -1 when it started in an earlier chunk. */
  start: number;
  /** The run's first characters (the tag's name, for markup). */
  head: string;
}

const State = {
  Text: 0,
  Open: 1, // after '<'
  Bang: 2, // after '<!', until it reads as a comment, a CDATA section or a declaration
  Tag: 3,
  Instruction: 4,
  Comment: 5,
  Cdata: 6,
  Declaration: 7,
} as const;
type State = (typeof State)[keyof typeof State];

const LIMIT: Record<RunKind, number> = {
  text: READER_LIMITS.textRun,
  markup: READER_LIMITS.markup,
  comment: READER_LIMITS.comment,
  cdata: READER_LIMITS.cdata,
  instruction: READER_LIMITS.markup,
  declaration: READER_LIMITS.markup,
};
const KIND: Record<State, RunKind> = {
  [State.Text]: 'text',
  [State.Open]: 'markup',
  [State.Bang]: 'declaration',
  [State.Tag]: 'markup',
  [State.Instruction]: 'instruction',
  [State.Comment]: 'comment',
  [State.Cdata]: 'cdata',
  [State.Declaration]: 'declaration',
};
const GT = 0x3e;
const HEAD = 60;
/** A tag's characters up to a quote or its end (sticky: matches at lastIndex only). */
const TAG_BODY = /[^>"']*/y;

/**
 * Follows the XML markup of the decoded text chunk by chunk and measures the current run (text,
 * tag, comment, CDATA, instruction, declaration). Text and tags are crossed with indexOf and a sticky
 * regular expression, not character by character: on a generated 21 MB feed the guard takes 150 ms
 * where saxes takes 550 ms (a per-character loop took 800 ms). On well-formed XML it follows saxes exactly; on
 * anything else every state still has its bound, so a confused guard can only refuse early, never
 * let a run grow unbounded (saxes then says what is malformed, if it sees it first).
 */
export class MarkupGuard {
  private state: State = State.Text;
  private run = 0;
  private head = '';
  private quote = 0;
  private bang = '';
  /** Dashes before '>' in a comment, ']' in CDATA, '?' in an instruction, '[' depth in a declaration. */
  private marks = 0;
  /** Where the open run started in the last chunk scanned (-1: in an earlier one). */
  openRunStart = -1;

  private begin(state: State, at: number) {
    this.state = state;
    this.run = 0;
    this.openRunStart = at;
  }

  /** The open run's first characters, read once the chunk is done (not for every run: measured 2× slower). */
  private end(text: string, overrun: boolean): Overrun | null {
    if (this.openRunStart >= 0) this.head = text.slice(this.openRunStart, this.openRunStart + HEAD);
    else if (this.head.length < HEAD) this.head += text.slice(0, HEAD - this.head.length);
    if (!overrun) return null;
    const kind = KIND[this.state];
    return { kind, limit: LIMIT[kind], start: this.openRunStart, head: this.head };
  }

  scan(text: string): Overrun | null {
    this.openRunStart = -1;
    const n = text.length;
    let i = 0;
    while (i < n) {
      if (this.state === State.Text) {
        const lt = text.indexOf('<', i);
        const end = lt < 0 ? n : lt;
        this.run += end - i;
        if (this.run > LIMIT.text) return this.end(text, true);
        if (lt < 0) return this.end(text, false);
        const next = text.charCodeAt(lt + 1); // NaN at the chunk's end: Open decides with the next chunk
        this.begin(next === 0x21 || next === 0x3f || Number.isNaN(next) ? State.Open : State.Tag, lt);
        this.quote = 0;
        this.run = 1;
        i = lt + 1;
        continue;
      }
      if (this.state === State.Tag) {
        // The bulk of a file after text: jump to the next quote or '>' (a '>' inside quotes is data).
        let j = i;
        if (this.quote) {
          const q = text.indexOf(this.quote === 0x22 ? '"' : "'", i);
          j = q < 0 ? n : q;
        } else {
          TAG_BODY.lastIndex = i;
          TAG_BODY.test(text);
          j = TAG_BODY.lastIndex;
        }
        this.run += j - i + 1;
        if (this.run > LIMIT.markup) return this.end(text, true);
        if (j === n) return this.end(text, false);
        if (this.quote) this.quote = 0;
        else if (text.charCodeAt(j) === GT) this.begin(State.Text, j + 1);
        else this.quote = text.charCodeAt(j);
        i = j + 1;
        continue;
      }
      const c = text.charCodeAt(i);
      if (++this.run > LIMIT[KIND[this.state]]) return this.end(text, true);
      switch (this.state) {
        case State.Open:
          if (c === 0x21 /* ! */) {
            this.state = State.Bang;
            this.bang = '<!';
          } else if (c === 0x3f /* ? */) {
            this.state = State.Instruction;
            this.marks = 0;
          } else {
            this.state = State.Tag;
            this.quote = 0;
            continue; // the character is the tag's first: read it as such
          }
          break;
        case State.Bang:
          this.bang += text[i];
          this.marks = 0;
          if (this.bang === '<!--') this.state = State.Comment;
          else if (this.bang === '<![CDATA[') this.state = State.Cdata;
          else if (!'<!--'.startsWith(this.bang) && !'<![CDATA['.startsWith(this.bang)) {
            this.state = State.Declaration;
            continue;
          }
          break;
        case State.Instruction:
          if (c === GT && this.marks) this.begin(State.Text, i + 1);
          else this.marks = c === 0x3f ? 1 : 0;
          break;
        case State.Comment:
          if (c === GT && this.marks >= 2) this.begin(State.Text, i + 1);
          else this.marks = c === 0x2d ? this.marks + 1 : 0;
          break;
        case State.Cdata:
          if (c === GT && this.marks >= 2) this.begin(State.Text, i + 1);
          else this.marks = c === 0x5d ? this.marks + 1 : 0;
          break;
        case State.Declaration:
          if (c === 0x5b) this.marks++;
          else if (c === 0x5d) this.marks--;
          else if (c === GT && this.marks <= 0) this.begin(State.Text, i + 1);
          break;
      }
      i++;
    }
    return this.end(text, false);
  }
}
