import { ref, type Ref } from 'vue'

/**
 * A text field the app offers a value to (the suggested project folder, the port Connect used, the
 * saved TFLM SDK folder) when a reply arrives, and that never changes while the user is in it: a value
 * set under the caret lands in front of what they selected and typed over it.
 *
 * By default the offer fills an empty field only. With `follow`, the field follows the offered value
 * until the user types one of their own (the folder that follows the project's name). Bind `entered`
 * to focus, `left` to blur and, with `follow`, `typed` to input; call `offer` when the offered value
 * may have changed.
 */
export function useOfferedField(value: Ref<string>, offered: () => string, { follow = false }: { follow?: boolean } = {}) {
  /** The user is in the field. */
  const focused = ref(false)
  /** The user typed a value of their own (with `follow`: the field no longer follows the offer). */
  const own = ref(false)

  function offer(): void {
    if (focused.value) return
    if (!value.value.trim() || (follow && !own.value)) value.value = offered()
  }
  return {
    focused,
    own,
    offer,
    entered(): void {
      focused.value = true
    },
    typed(): void {
      own.value = true
    },
    /** Left empty, the field takes the offered value again. */
    left(): void {
      focused.value = false
      if (!value.value.trim()) own.value = false
      offer()
    }
  }
}
