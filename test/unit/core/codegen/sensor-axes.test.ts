import { describe, expect, it } from 'vitest'
import { axisSources } from '../../../../src/main/core/codegen/sensor-axes'
import { UNIT_CHOICES, unitChoices } from '../../../../src/shared/signal'

describe('axisSources: the sensor channel and gain of each recorded axis', () => {
  it('converts g and deg/s to every unit the app offers, by physics', () => {
    const gains = (axis: string, units: string[]): number[] => units.map((u) => axisSources({ axes: [axis], units: [u], scale: [1] })[0].gain)
    expect(gains('aX', [...UNIT_CHOICES.acceleration])).toEqual([1, 1000, 9.80665])
    const rot = gains('gZ', [...UNIT_CHOICES.rotation])
    expect(rot[0]).toBe(1)
    expect(rot[1]).toBeCloseTo(Math.PI / 180, 12)
    expect(rot[2]).toBe(1000)
    expect(unitChoices('accY')).toEqual([...UNIT_CHOICES.acceleration])
  })

  it('reads axes in the spec order, x/y/z as the accelerometer unless in a rotation unit, and the scale divides', () => {
    const s = axisSources({ axes: ['az', 'x', 'gy', 'z'], units: ['g', null, 'deg/s', 'rad/s'], scale: [1, 1, 0.5, 1] })
    expect(s.map((a) => a.channel)).toEqual([2, 0, 4, 5])
    expect(s[2].gain).toBe(2)
    expect(s.map((a) => a.unit)).toEqual(['g', 'g', 'deg/s', 'rad/s'])
  })

  it('refuses what the board cannot give, naming the axis', () => {
    expect(() => axisSources({ axes: ['aX'], units: ['deg/s'], scale: [1] })).toThrow(/"aX" is an accelerometer axis but is recorded in deg\/s/)
    expect(() => axisSources({ axes: ['alpha'], units: ['deg'], scale: [1] })).toThrow(/"alpha" is recorded in "deg"/)
    expect(() => axisSources({ axes: ['temp'], units: [null], scale: [1] })).toThrow(/axis "temp", which the firmware templates cannot read/)
    expect(() => axisSources({ axes: ['aX'], units: ['g'], scale: [0] })).toThrow(/scale 0/)
  })
})
